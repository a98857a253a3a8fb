"""docs/team-planning.md shows the real output of its example; `python -m tests.planning.test_docs` rewrites it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path
from typing import Any
from unittest import mock

from mlscreen.cli import main
from mlscreen.planning import load_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "team-planning.md"
BLOCK = re.compile(r"(<!-- example-(?P<name>[a-z]+) -->\n```[a-z]*\n)(?P<body>.*?)(^```$)", re.S | re.M)
REGENERATE = "python -m tests.planning.test_docs"


def blocks(text: str) -> dict[str, str]:
    return {m["name"]: m["body"].rstrip("\n") for m in BLOCK.finditer(text)}


def excerpt(plan: dict[str, Any]) -> dict[str, Any]:
    """Return the part of a plan the docs show: the contract keys, with long lists cut to what identifies them."""
    return {
        "org_model": plan["org_model"],
        "mlops_hire": {
            "urgency": plan["mlops_hire"]["urgency"],
            "signals": [{"id": s["id"], "urgency": s["urgency"]} for s in plan["mlops_hire"]["signals"]],
        },
        "ratios": {k: plan["ratios"][k] for k in ("stage", "data_engineers", "ml_ds_roles", "status", "flagged")},
        "warnings": [{"id": w["id"], "kind": w["kind"]} for w in plan["warnings"]],
        "waves": [{k: w[k] for k in ("order", "role", "count", "why", "profile")} for w in plan["waves"]],
    }


def printed(args: list[str]) -> str:
    """Return what the real entry point prints for `args` to a pipe (80 columns, as in the docs)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), mock.patch.dict(os.environ, {"COLUMNS": "80"}):
        try:
            main(args)
        except SystemExit as exc:
            assert not exc.code, f"mlscreen {' '.join(args)} exited {exc.code}"
    return out.getvalue()


def outputs(example: str, directory: Path) -> dict[str, str]:
    """Return the report and JSON excerpt the real command prints for the example input."""
    (directory / "team.yaml").write_text(example, encoding="utf-8")
    command = ["plan-team", "--input", str(directory / "team.yaml")]
    report = printed(command)
    raw = printed([*command, "--json"])
    return {
        "report": "\n".join(line.rstrip() for line in report.rstrip().splitlines()),
        "json": json.dumps(excerpt(json.loads(raw)), indent=2, ensure_ascii=False),
    }


def test_doc_example_is_the_real_output(tmp_path: Path) -> None:
    found = blocks(DOC.read_text(encoding="utf-8"))
    assert set(found) == {"input", "report", "json"}
    real = outputs(found["input"] + "\n", tmp_path)
    assert found["report"] == real["report"], f"the example report is stale: run `{REGENERATE}`"
    assert found["json"] == real["json"], f"the example JSON is stale: run `{REGENERATE}`"


def test_doc_names_every_rule() -> None:
    text = DOC.read_text(encoding="utf-8")
    rules = load_rules()
    ids = [r.id for r in rules.org_rules] + [s.id for s in rules.mlops.signals] + [rules.ratios.id]
    ids += [w.id for w in rules.warnings] + [h.id for h in rules.hires]
    missing = [i for i in ids if f"`{i}`" not in text]
    assert not missing, f"docs/team-planning.md does not describe: {missing}"


def regenerate() -> None:
    """Rewrite the example report and JSON in the doc from the real command."""
    import tempfile

    text = DOC.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        real = outputs(blocks(text)["input"] + "\n", Path(tmp))
    new = BLOCK.sub(lambda m: m.group(1) + real.get(m["name"], m["body"].rstrip("\n")) + "\n" + m.group(4), text)
    DOC.write_text(new, encoding="utf-8")
    print(f"rewrote {DOC}")


if __name__ == "__main__":
    regenerate()
