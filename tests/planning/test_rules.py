"""The rules file is validated strictly: unknown fields, unknown facts and unsourced readings are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlscreen.bank import Bank
from mlscreen.planning import Rules, RulesError, load_rules
from mlscreen.planning.rules import PACKAGED_RULES


def broken(tmp_path: Path, old: str, new: str) -> list[str]:
    text = PACKAGED_RULES.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    return [str(p) for p in info.value.problems]


def test_packaged_rules_load(rules: Rules) -> None:
    assert rules.version == 1
    assert [r.model for r in rules.org_rules] == ["product_embedded", "hub_and_spoke", "centralized"]


def test_every_profile_the_rules_name_is_in_the_bank(rules: Rules, bank: Bank) -> None:
    profiles = {role: info.profile for role, info in rules.roles.items()}
    assert profiles["head_of_ml"] is profiles["ml_product_manager"] is profiles["data_engineer"] is None
    for profile in filter(None, profiles.values()):
        assert bank.loop(profile), profile


def test_every_rule_cites_a_section_and_interpretations_explain_themselves(rules: Rules) -> None:
    data = yaml.safe_load(PACKAGED_RULES.read_text(encoding="utf-8"))
    interpreted = [s for s in data["mlops"]["signals"] if s["source"]["basis"] == "interpreted"]
    assert {s["id"] for s in interpreted} == {
        "signal-slow-deployment",
        "signal-infrastructure-time",
        "signal-monitoring-regressions",
        "signal-third-production-use-case",
    }
    assert all(s["source"]["note"] for s in interpreted)


def test_unknown_field_is_an_error_on_its_line(tmp_path: Path) -> None:
    (problem,) = broken(tmp_path, "  centralized:\n    title:", "  centralized:\n    colour: blue\n    title:")
    assert "org_models.centralized.colour" in problem
    assert "Extra inputs are not permitted" in problem
    line = int(problem.split(":")[1])
    assert PACKAGED_RULES.read_text(encoding="utf-8").splitlines()[line - 2].strip() == "centralized:"


def test_unknown_fact_in_a_clause_is_an_error(tmp_path: Path) -> None:
    problems = broken(tmp_path, "{fact: production_models, op: gt, value: 5}", "{fact: models, op: gt, value: 5}")
    assert any("mlops.signals.0.when.0" in p and "fact" in p for p in problems)


def test_unknown_fact_in_a_text_is_an_error(tmp_path: Path) -> None:
    (problem,) = broken(tmp_path, "{production_models} models in production", "{prod_models} models in production")
    assert "unknown fact {prod_models}" in problem


def test_an_interpreted_rule_needs_a_note(tmp_path: Path) -> None:
    old = '        note: "\\"Weeks instead of days\\" is read as a lead time of 14 days or more."\n'
    (problem,) = broken(tmp_path, old, "")
    assert "mlops.signals.1.source" in problem and "needs a `note`" in problem


def test_comparisons_need_numbers(tmp_path: Path) -> None:
    problems = broken(
        tmp_path, "{fact: production_models, op: gt, value: 5}", "{fact: production_models, op: gt, value: five}"
    )
    assert any("compares numbers" in p for p in problems)


def test_the_last_org_rule_must_catch_all(tmp_path: Path) -> None:
    (problem,) = broken(
        tmp_path,
        "model: centralized\n    when: []",
        "model: centralized\n    when: [{fact: use_cases, op: lt, value: 3}]",
    )
    assert "the last org rule" in problem


def test_sources_must_name_a_known_section(tmp_path: Path) -> None:
    (problem,) = broken(tmp_path, "source: {section: ratios, basis: stated}", "source: {section: ratio, basis: stated}")
    assert "unknown source section 'ratio'" in problem


def test_duplicate_rule_ids_are_errors(tmp_path: Path) -> None:
    (problem,) = broken(tmp_path, "id: hire-mlops-now", "id: hire-mlops-late")
    assert "'hire-mlops-late' is used twice" in problem


def test_bad_yaml_is_located(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nsections: [a\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"rules\.yaml:\d+: invalid YAML"):
        load_rules(path)
