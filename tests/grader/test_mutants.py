"""Mutants of a reference: what each operator generates, stable ids, and the `exercise mutants` command."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from mlscreen.grader.mutants import OPERATORS, generate
from tests.conftest import CliResult
from tests.grader.conftest import needs_bwrap

SOURCE = textwrap.dedent(
    '''
    """A module docstring is never mutated."""

    import numpy as np
    import pandas as pd


    def score(values: list[float], threshold: float = 0.5) -> float:
        """Docstrings are never mutated either."""
        if len(values) == 0:
            raise ValueError("no values")
        ranked = np.argsort(np.asarray(values), kind="stable")
        total = np.median(values) + threshold * 2
        if total > 1 and not values[0] < 0:
            return total
        return float(pd.Series(values).loc[ranked[0]])
    '''
)


def _by_id() -> dict[str, tuple[str, str]]:
    return {m.id: (m.operator, m.description) for m in generate(SOURCE)}


def test_every_operator_generates_the_mistake_it_models() -> None:
    mutants = {(op, description) for op, description in _by_id().values()}
    expected = {
        ("compare", "Eq -> NotEq"),
        ("compare", "Gt -> GtE"),
        ("compare", "Lt -> LtE"),
        ("arithmetic", "Add -> Sub"),
        ("arithmetic", "Mult -> Div"),
        ("constant", "0.5 -> 1.5"),
        ("constant", "2 -> 3"),
        ("boolean", "And -> Or"),
        ("boolean", "drop not"),
        ("drop-guard", "drop `if len(values) == 0`"),
        ("related-call", "median -> mean"),
        ("drop-keyword", "drop kind="),
        ("indexing", ".loc -> .iloc"),
        ("unstable-sort", "kind='stable' -> 'quicksort'"),
        ("exception-type", "ValueError -> AssertionError"),
    }
    assert expected <= mutants
    assert {op for op, _ in mutants} == set(OPERATORS) - {"swap-args"}  # swapped arguments: the next test


def test_mutants_differ_from_the_source_and_compile() -> None:
    original = generate(SOURCE)
    assert len({m.source for m in original}) == len(original)
    for mutant in original:
        compile(mutant.source, mutant.id, "exec")
        assert "A module docstring is never mutated." in mutant.source  # docstrings and imports kept
        assert "import numpy as np" in mutant.source


def test_ids_survive_edits_elsewhere_in_the_file() -> None:
    before = _by_id()
    after = {
        m.id: (m.operator, m.description)
        for m in generate("def other(a, b):\n    return a - b\n\n" + SOURCE)
        if not m.id.startswith("other:")
    }
    assert after == before


def test_swapped_arguments_are_generated_for_calls_with_two_positional_arguments() -> None:
    described = {(m.operator, m.description) for m in generate("def f(a, b):\n    return max(a - 1, b)\n")}
    assert ("swap-args", "swap a - 1, b") in described
    assert ("related-call", "max -> min") in described


TINY_YAML = """\
type: exercise
id: tiny-double
title: Double a number
profiles: [ml-engineer]
topics: [python-fluency]
minutes: 5
prompt: Write `double(x)` that returns twice `x`.
entrypoints: [double]
must_fail:
  - file: wrong.py
    why: Adds one.
    catches: [doubles]
visible_examples:
  - name: two
    call: "double(1)"
    expected: "2"
rubric_mapping:
  correctness: [core]
"""
TINY_TESTS = """\
from mlscreen.grader import check


@check(id="doubles", kind="core", message="double must return twice its argument.")
def doubles(sub):
    assert sub.call("double", 0) == 0  # too weak on purpose: x * 3 and x / 2 also give 0
"""


def _tiny_bank(root: Path, equivalent: str = "") -> None:
    folder = root / "exercises" / "tiny-double"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "exercise.yaml").write_text(TINY_YAML + equivalent, encoding="utf-8")
    (folder / "reference.py").write_text("def double(x):\n    return x * 2\n", encoding="utf-8")
    (folder / "starter.py").write_text("def double(x):\n    raise NotImplementedError\n", encoding="utf-8")
    (folder / "wrong.py").write_text("def double(x):\n    return x + 1\n", encoding="utf-8")
    (folder / "tests.py").write_text(TINY_TESTS, encoding="utf-8")


@pytest.mark.sandbox
def test_mutants_command_fails_on_unreviewed_survivors_until_they_are_reviewed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    needs_bwrap()
    _tiny_bank(tmp_path)
    monkeypatch.setenv("MLSCREEN_BANK_PATH", str(tmp_path))
    weak = run_cli("exercise", "mutants", "tiny-double", "--json", "--workers", "1")
    assert weak.exit_code == 1
    report = json.loads(weak.stdout)
    survivors = {s["id"]: s["change"] for s in report["unreviewed"]}
    assert survivors == {"double:arithmetic:1": "Mult -> Div", "double:constant:1": "2 -> 3"}
    assert report["generated"] == 2 and report["killed"] == 0

    reviewed = 'equivalent_mutants:\n  - id: "double:arithmetic:1"\n    why: "Only for a test this weak."\n'
    _tiny_bank(tmp_path, reviewed)
    still = run_cli("exercise", "mutants", "tiny-double", "--json", "--workers", "1")
    assert still.exit_code == 1 and [s["id"] for s in json.loads(still.stdout)["unreviewed"]] == ["double:constant:1"]
    stale = reviewed + '  - id: "double:constant:1"\n    why: "Same."\n  - id: "double:gone:1"\n    why: "Old."\n'
    _tiny_bank(tmp_path, stale)
    result = run_cli("exercise", "mutants", "tiny-double", "--json", "--workers", "1")
    assert result.exit_code == 1 and json.loads(result.stdout)["stale"] == ["double:gone:1"]
    _tiny_bank(tmp_path, stale.split('  - id: "double:gone:1"')[0])
    clean = run_cli("exercise", "mutants", "tiny-double")
    assert clean.exit_code == 0, clean.stdout
