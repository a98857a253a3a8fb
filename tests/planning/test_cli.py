"""`mlscreen plan-team`: the JSON contract, the readable report, flags over the file, and exit 2 on bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CliResult

FILES = Path(__file__).parent / "files"
Run = Callable[..., CliResult]
CONTRACT_KEYS = {"org_model", "mlops_hire", "ratios", "warnings", "waves"}


def run_json(run_cli: Run, *args: str) -> dict[str, Any]:
    result = run_cli("plan-team", *args, "--json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_contract_keys_and_types(run_cli: Run) -> None:
    data = run_json(run_cli, "--input", str(FILES / "growth.yaml"))
    assert set(data) >= CONTRACT_KEYS
    assert data["org_model"] in ("centralized", "hub_and_spoke", "product_embedded")
    assert data["mlops_hire"]["urgency"] in ("not_yet", "now", "late")
    assert isinstance(data["mlops_hire"]["signals"], list) and data["mlops_hire"]["signals"]
    for signal in data["mlops_hire"]["signals"]:
        assert {"id", "urgency", "text", "rule", "source"} <= set(signal)
    assert isinstance(data["ratios"], dict) and isinstance(data["ratios"]["flagged"], bool)
    assert isinstance(data["warnings"], list)
    assert data["waves"]
    for wave in data["waves"]:
        assert {"order", "role", "count", "why", "profile"} <= set(wave)
        assert isinstance(wave["order"], int) and isinstance(wave["count"], int) and wave["count"] >= 1
        assert isinstance(wave["role"], str) and isinstance(wave["why"], str) and wave["why"]
        assert wave["profile"] is None or isinstance(wave["profile"], str)
    assert [w["order"] for w in data["waves"]] == list(range(1, len(data["waves"]) + 1))


def test_json_for_the_growth_example(run_cli: Run) -> None:
    data = run_json(run_cli, "--input", str(FILES / "growth.yaml"))
    assert data["org_model"] == "hub_and_spoke"
    assert data["mlops_hire"]["urgency"] == "late"
    assert data["ratios"]["status"] == "too_few"
    waves = {w["role"]: w for w in data["waves"]}
    assert waves["mlops_engineer"]["profile"] == "mlops-engineer" and waves["mlops_engineer"]["order"] == 1
    assert [s["stage"] for s in waves["mlops_engineer"]["loop"]][-1] == "culture-collaboration"
    assert waves["data_engineer"]["profile"] is None and waves["data_engineer"]["profile_note"]


def test_flags_alone_are_enough(run_cli: Run) -> None:
    data = run_json(run_cli, "--use-cases", "2", "--production-models", "0", "--product-teams", "1", "--stage", "early")
    assert data["org_model"] == "centralized"
    assert data["mlops_hire"] == {
        "urgency": "not_yet",
        "signals": [],
        "reason": data["mlops_hire"]["reason"],
        "mlops_engineers": 0,
        "unknown_facts": ["deployment_lead_time_days", "infra_time_share", "monitoring_regressions"],
    }


def test_flags_override_the_file(run_cli: Run) -> None:
    data = run_json(run_cli, "--input", str(FILES / "growth.yaml"), "--use-cases", "12", "--platform-maturity", "high")
    assert data["org_model"] == "product_embedded"
    assert data["facts"]["use_cases"] == 12 and data["facts"]["headcount"]["data_scientists"] == 3
    data = run_json(run_cli, "--input", str(FILES / "growth.yaml"), "--mlops-engineers", "2")
    assert data["facts"]["headcount"]["mlops_engineers"] == 2
    assert "mlops_engineer" in {w["role"] for w in data["waves"]}  # still late with a platform team: grow it


def test_readable_report_by_default(run_cli: Run) -> None:
    result = run_cli("plan-team", "--input", str(FILES / "growth.yaml"))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for heading in ("Org model: Hub and spoke", "Ownership", "Leadership", "Data engineering ratio (too few)"):
        assert heading in out
    assert "First MLOps / platform hire: late" in out
    assert "Hiring waves" in out and "mlops-engineer" in out and "none in the bank" in out
    assert "Loop for mlops-engineer: Recruiter screen" in out
    assert "{" not in out


def test_bad_flag_value_exits_2_naming_the_field(run_cli: Run) -> None:
    result = run_cli("plan-team", "--use-cases", "-3", "--production-models", "0", "--product-teams", "1")
    assert result.exit_code == 2
    assert "use_cases: Input should be greater than or equal to 0" in result.stderr
    assert "stage: Field required" in result.stderr
    assert "Traceback" not in result.stderr


def test_non_numeric_flag_exits_2(run_cli: Run) -> None:
    result = run_cli("plan-team", "--use-cases", "lots")
    assert result.exit_code == 2
    assert "--use-cases" in result.stderr


def test_bad_file_exits_2(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("plan-team", "--input", str(FILES / "bad.yaml"), "--json")
    assert result.exit_code == 2 and "invalid YAML" in result.stderr and result.stdout == ""
    unknown = tmp_path / "facts.yaml"
    unknown.write_text("use_cases: 1\nproduction_models: 0\nproduct_teams: 1\nstage: seed\n", encoding="utf-8")
    result = run_cli("plan-team", "--input", str(unknown))
    assert result.exit_code == 2 and "stage:" in result.stderr and "'seed'" in result.stderr


def test_a_custom_rules_file_is_validated(run_cli: Run, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\n", encoding="utf-8")
    result = run_cli("plan-team", "--input", str(FILES / "growth.yaml"), "--rules", str(rules))
    assert result.exit_code == 2 and "planning rules have" in result.stderr and "sections" in result.stderr
