"""Facts load from YAML or JSON, merge with flags, and bad input is refused naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlscreen.errors import UsageError
from mlscreen.planning import TeamFacts, facts_from, load_facts
from mlscreen.planning.facts import merge_facts

FILES = Path(__file__).parent / "files"
GOOD: dict[str, Any] = {"use_cases": 2, "production_models": 1, "product_teams": 1, "stage": "early"}


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(UsageError) as info:
        facts_from(data)
    return str(info.value)


def test_yaml_and_json_files_give_the_same_facts() -> None:
    from_yaml = load_facts(FILES / "growth.yaml")
    from_json = load_facts(FILES / "growth.json")
    assert from_yaml.headcount == from_json.headcount
    assert (from_yaml.use_cases, from_yaml.stage) == (from_json.use_cases, from_json.stage) == (5, "growth")
    assert from_yaml.infra_time_share == 0.6
    assert from_json.infra_time_share is None  # not given: unknown, not zero


def test_missing_roles_count_zero() -> None:
    team = facts_from({**GOOD, "headcount": {"ml_engineers": 2}})
    assert team.headcount.ml_engineers == 2
    assert team.headcount.head_of_ml == team.headcount.mlops_engineers == 0
    assert facts_from(GOOD).headcount.data_engineers == 0


def test_negative_count_names_the_field() -> None:
    message = error_of({**GOOD, "headcount": {"data_engineers": -1}})
    assert "headcount.data_engineers" in message
    assert "greater than or equal to 0" in message
    assert "how to fix" in message


def test_unknown_stage_lists_the_choices() -> None:
    message = error_of({**GOOD, "stage": "series-b"})
    assert "stage:" in message and "'early', 'growth' or 'late'" in message and "series-b" in message


def test_every_missing_required_fact_is_named() -> None:
    message = error_of({"stage": "early"})
    for name in ("use_cases", "production_models", "product_teams"):
        assert f"{name}: Field required" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("use_cases", "many"), ("use_cases", 2.5), ("production_models", True), ("infra_time_share", "most")],
)
def test_non_numeric_values_name_the_field(field: str, value: Any) -> None:
    message = error_of({**GOOD, field: value})
    assert f"{field}:" in message
    assert repr(value) in message


def test_share_must_be_between_zero_and_one() -> None:
    message = error_of({**GOOD, "infra_time_share": 60})
    assert "infra_time_share" in message and "from 0 to 1" in message


def test_unknown_facts_are_refused_with_the_known_ones() -> None:
    assert "use_casess: unknown fact" in error_of({**GOOD, "use_casess": 3})
    message = error_of({**GOOD, "headcount": {"ml_engineer": 3}})
    assert "headcount.ml_engineer: unknown fact" in message and "ml_engineers" in message


def test_bad_yaml_names_file_and_line() -> None:
    with pytest.raises(UsageError) as info:
        load_facts(FILES / "bad.yaml")
    assert f"{FILES / 'bad.yaml'}:" in str(info.value)
    assert "invalid YAML" in str(info.value)


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"use_cases": 3,\n "stage": }', encoding="utf-8")
    with pytest.raises(UsageError, match=r"facts\.json:2: invalid JSON"):
        load_facts(path)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("- use_cases: 3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="expected a mapping of facts"):
        load_facts(path)


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        load_facts(tmp_path / "absent.yaml")


def test_overrides_win_and_headcount_merges_role_by_role() -> None:
    team = load_facts(
        FILES / "growth.yaml",
        overrides={"use_cases": 12, "stage": None, "headcount": {"mlops_engineers": 1, "ml_engineers": None}},
    )
    assert team.use_cases == 12
    assert team.stage == "growth"  # None means the flag was not given
    assert team.headcount.mlops_engineers == 1
    assert team.headcount.ml_engineers == 2 and team.headcount.data_scientists == 3


def test_merge_leaves_the_base_alone() -> None:
    base = {"headcount": {"ml_engineers": 1}}
    merged = merge_facts(base, {"headcount": {"data_engineers": 2}})
    assert merged["headcount"] == {"ml_engineers": 1, "data_engineers": 2}
    assert base == {"headcount": {"ml_engineers": 1}}


def test_facts_are_a_reusable_schema() -> None:
    schema = TeamFacts.model_json_schema()
    assert set(schema["required"]) == {"use_cases", "production_models", "product_teams", "stage"}
    assert schema["additionalProperties"] is False
