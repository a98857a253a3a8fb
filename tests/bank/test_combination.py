"""The combination rule is bank content: validated like every item, changed per profile, replaceable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from mlscreen.bank import CombinationChanges, CombinationRule, load_bank
from mlscreen.errors import BankError, NotFoundError

RULE = {
    "type": "combination",
    "id": "combination",
    "title": "Rule",
    "description": "Test rule.",
    "strong_yes_at": 3.25,
    "yes_at": 2.75,
    "no_at": 2.0,
    "veto_weight": 0.2,
    "veto_below": 2.0,
    "min_coverage": 0.5,
    "disagreement_spread": 2,
}
PROFILE = """- type: profile
  id: strict-mle
  title: Strict ML engineer
  summary: An ML engineer held to a higher bar.
  focus: [Production code]
  weights: {coding: 0.25, ml_knowledge: 0.2, system_design: 0.25, applied_judgment: 0.15, ownership_communication: 0.15}
  loop:
    - {stage: recruiter-screen}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"yes_at": 3.25}, "thresholds must rise"),
        ({"no_at": 2.75}, "thresholds must rise"),
        ({"yes_at": 3.5}, "thresholds must rise"),
        ({"strong_yes_at": 4.01}, "less than or equal to 4"),
        ({"no_at": 0.99}, "greater than or equal to 1"),
        ({"veto_weight": 0}, "greater than 0"),
        ({"veto_weight": 1.01}, "less than or equal to 1"),
        ({"min_coverage": 0}, "greater than 0"),
        ({"disagreement_spread": 0}, "greater than or equal to 1"),
        ({"disagreement_spread": 4}, "less than or equal to 3"),
        ({"id": "my-rule"}, "Input should be 'combination'"),
        ({"veto": 2}, "Extra inputs are not permitted"),
    ],
)
def test_a_broken_rule_is_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CombinationRule.model_validate(RULE | change)


@pytest.mark.parametrize(
    "change",
    [{"strong_yes_at": 4.0, "no_at": 1.0}, {"veto_weight": 1.0, "min_coverage": 1.0}, {"disagreement_spread": 3}],
)
def test_a_rule_at_its_bounds_is_accepted(change: dict[str, object]) -> None:
    assert CombinationRule.model_validate(RULE | change).model_dump(include=set(change)) == change


def test_changes_keep_what_they_do_not_name() -> None:
    rule = CombinationRule.model_validate(RULE)
    changed = rule.changed(CombinationChanges(yes_at=3.0, veto_below=2.5))
    assert (changed.yes_at, changed.veto_below) == (3.0, 2.5)
    assert changed.model_dump(exclude={"yes_at", "veto_below"}) == rule.model_dump(exclude={"yes_at", "veto_below"})
    assert rule.changed(None) is rule


def test_a_profile_changes_the_rule_for_its_packets(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text(PROFILE + "  combination: {yes_at: 3.0, veto_below: 2.5}\n")
    bank = load_bank(extra=[tmp_path])
    assert (bank.combination("strict-mle").yes_at, bank.combination("strict-mle").veto_below) == (3.0, 2.5)
    assert bank.combination("ml-engineer") == bank.get("combination", CombinationRule)


def test_a_profile_change_that_breaks_the_rule_names_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(PROFILE + "  combination: {yes_at: 3.5}\n")
    with pytest.raises(BankError) as info:
        load_bank(extra=[tmp_path])
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{path}:1: strict-mle.combination:") and "thresholds must rise" in problem


def test_an_unknown_change_is_reported_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(PROFILE + "  combination:\n    yes_above: 3.0\n")
    with pytest.raises(BankError) as info:
        load_bank(extra=[tmp_path])
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{path}:10: combination.yes_above: Extra inputs are not permitted")


def test_a_private_bank_replaces_the_rule(tmp_path: Path) -> None:
    fields = "".join(f"  {k}: {v}\n" for k, v in (RULE | {"yes_at": 2.5}).items() if k != "type")
    (tmp_path / "rule.yaml").write_text(f"- type: combination\n  overrides: true\n{fields}")
    assert load_bank(extra=[tmp_path]).combination("ml-engineer").yes_at == 2.5


def test_a_second_rule_is_refused(tmp_path: Path) -> None:
    fields = "".join(f"  {k}: {v}\n" for k, v in RULE.items() if k != "type")
    path = tmp_path / "rule.yaml"
    path.write_text(f"- type: combination\n{fields}")
    with pytest.raises(BankError) as info:
        load_bank(extra=[tmp_path])
    assert "id 'combination' is already defined" in str(info.value.problems[0])


def test_profiles_without_a_rule_are_reported(tmp_path: Path) -> None:
    text = PROFILE.replace("    - {stage: recruiter-screen}\n", "    - {stage: screen}\n")
    stage = (
        "- {type: stage, id: screen, title: Screen, kind: culture, goal: Talk., duration_min: 10,"
        " duration_max: 20, interviewer_role: Recruiter, assesses: [ownership_communication]}\n"
    )
    (tmp_path / "bank.yaml").write_text(text + stage)
    with pytest.raises(BankError) as info:
        load_bank(extra=[tmp_path], packaged=False)
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{tmp_path / 'bank.yaml'}:1: strict-mle.combination: the bank has no combination rule")


def test_an_unknown_profile_has_no_rule() -> None:
    with pytest.raises(NotFoundError):
        load_bank().combination("no-such-profile")
