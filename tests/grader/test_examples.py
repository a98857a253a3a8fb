"""Visible examples: run in the sandbox, compared as text, capped and cleaned, and never a window on hidden tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mlscreen.bank import Exercise, load_bank
from mlscreen.bank.loader import PACKAGED_BANK
from mlscreen.errors import NotFoundError, UsageError
from mlscreen.grader import ExamplesResult, GraderPool
from mlscreen.grader.examples import matches
from tests.grader.conftest import needs_bwrap

EXERCISES = PACKAGED_BANK / "exercises"
DATA_CLEANING = EXERCISES / "data-cleaning"
REFERENCE = (DATA_CLEANING / "reference.py").read_text(encoding="utf-8")
WRONG = (DATA_CLEANING / "wrong_mean.py").read_text(encoding="utf-8")
EXERCISE_IDS = [e.id for e in load_bank().items(Exercise)]
# Material of data-cleaning's hidden tests (`tests.py`): ids, inputs and expected values a run must never show.
HIDDEN = ["Oslo", "Pune", "Lima", "35.5", "62000", "71000", "nullable-dtypes", "random-frames"]


def payload(result: ExamplesResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False)


@pytest.fixture(scope="module")
def short_pool() -> Iterator[GraderPool]:
    needs_bwrap()
    with GraderPool(workers=1, max_wall_seconds=3, with_signals=False) as pool:
        pool.warm("data-cleaning")
        yield pool


# ---------------------------------------------------------------------------- comparison (no sandbox)


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        ("a    50.0\nb     0.0\ndtype: float64", "a    50.0\nb     0.0\ndtype: float64"),
        ("      a\n0   1.0\n1   3.0", "a\n0 1.0\n1 3.0"),  # whitespace is normalised
        ("0.4621...", "0.46209812037329684"),  # rounded
        ("0.6666...", "0.6666666666666666"),  # cut
        ("0.875", "0.8749999999999999"),  # floating-point noise
        ("array([0.25, 0.25, 0.5])", "array([0.25, 0.25, 0.5 ])"),  # NumPy's padding
        ("array(['a', 'b'], dtype=...)", "array(['a', 'b'], dtype=object)"),
        ("{'ok': False, 'errors': [{'code': 'range', ...}]}", "{'ok': False, 'errors': [{'code': 'range', 'x': 1}]}"),
    ],
)
def test_matching_values(expected: str, got: str) -> None:
    assert matches(expected, got)


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        ("0.4621...", "0.4623"),
        ("0.4621...", "0.46204"),
        ("0.875", "0.876"),
        ("[6, 2]", "[2, 6]"),
        ("[6, 2]", "[6, 2, 0]"),
        ("True", "1"),
        ("'a'", "'b'"),
        ("array(['a', 'b'], dtype=...)", "array(['b', 'a'], dtype='<U1')"),
    ],
)
def test_different_values(expected: str, got: str) -> None:
    assert not matches(expected, got)


# ---------------------------------------------------------------------------- in the sandbox


@pytest.mark.sandbox
@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_reference_gives_every_expected_value_and_starter_runs(pool: GraderPool, exercise_id: str) -> None:
    directory = EXERCISES / exercise_id
    result = pool.run_examples((directory / "reference.py").read_text(encoding="utf-8"), exercise_id)
    assert result.status == "ran"
    assert result.examples and all(e.matches for e in result.examples), [e.to_json() for e in result.examples]
    started = pool.run_examples((directory / "starter.py").read_text(encoding="utf-8"), exercise_id)
    assert started.status in {"ran", "error"}
    assert len(started.examples) == len(result.examples)


@pytest.mark.sandbox
def test_json_shape_and_mismatch(pool: GraderPool) -> None:
    data = pool.run_examples(WRONG, "data-cleaning").to_json()
    assert set(data) == {"exercise", "status", "examples", "stdout"}
    assert data["exercise"] == "data-cleaning" and data["status"] == "ran"
    assert all(set(e) == {"name", "call", "expected", "got", "matches", "error"} for e in data["examples"])
    report, imputed = data["examples"]
    assert report["matches"] is True and report["error"] is None
    assert imputed["matches"] is False and imputed["error"] is None
    assert "4.666" in imputed["got"]  # the mean (14 / 3) where the median (3.0) was expected


@pytest.mark.sandbox
def test_candidate_exception_shows_type_and_message_only(pool: GraderPool) -> None:
    source = (
        "def missing_report(df):\n    raise ValueError('no frames on Mondays')\n"
        "class Odd(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\n"
        "def impute_median(df):\n    raise Odd()\n"
    )
    result = pool.run_examples(source, "data-cleaning")
    assert result.status == "ran"
    first, second = result.examples
    assert first.error == "ValueError: no frames on Mondays" and first.got is None and not first.matches
    assert second.error is not None and second.error.startswith("Odd:")
    text = payload(result)
    assert "Traceback" not in text and str(Path(__file__).parents[2]) not in text and '.py"' not in text


@pytest.mark.sandbox
def test_import_error_is_reported_on_every_example(pool: GraderPool) -> None:
    result = pool.run_examples("print('starting')\nraise ImportError('no luck')\n", "data-cleaning")
    assert result.status == "error"
    assert all(e.error and "ImportError: no luck" in e.error and not e.matches for e in result.examples)
    assert result.stdout == "starting\n"
    syntax = pool.run_examples("def missing_report(df:\n", "data-cleaning")
    assert syntax.status == "error" and "SyntaxError" in (syntax.examples[0].error or "")


@pytest.mark.sandbox
def test_infinite_loop_times_out_and_keeps_earlier_examples(short_pool: GraderPool) -> None:
    source = REFERENCE + "\ndef impute_median(df):\n    while True:\n        pass\n"
    result = short_pool.run_examples(source, "data-cleaning")
    assert result.status == "timeout"
    first, second = result.examples
    assert first.matches and second.got is None and second.error and "time limit" in second.error
    assert short_pool.run_examples(REFERENCE, "data-cleaning").status == "ran"


@pytest.mark.sandbox
def test_huge_print_is_capped(pool: GraderPool) -> None:
    source = (
        "import sys\nprint('x' * (20 << 20))\nfor _ in range(100000):\n    sys.stderr.write('y' * 100)\n" + REFERENCE
    )
    result = pool.run_examples(source, "data-cleaning", stdout_kb=4)
    assert result.status == "ran" and all(e.matches for e in result.examples)
    assert result.stdout.startswith("x" * 4096) and "y" not in result.stdout
    assert result.stdout.endswith("[output cut after 4 KB]") and len(result.stdout) < 4200


@pytest.mark.sandbox
def test_hostile_output_is_cleaned(pool: GraderPool) -> None:
    source = (
        "print('\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mred\\x1b[0m\\x00\\x08')\n"
        "class Shout:\n    def __repr__(self):\n        return '\\x1b[5mblink\\x1b[0m\\x07'\n"
        "def missing_report(df):\n    return Shout()\n"
        "Boom = type('\\x1b[31mBoom', (Exception,), {})\n"
        "def impute_median(df):\n    raise Boom('\\x1b[2J\\x07')\n"
    )
    result = pool.run_examples(source, "data-cleaning")
    text = payload(result)
    assert not any(c in text for c in "\x1b\x07\x00\x08"), text
    assert result.stdout == "red\n"
    assert result.examples[0].got == "blink"
    assert result.examples[1].error is not None and "Boom" in result.examples[1].error


@pytest.mark.sandbox
def test_examples_never_reveal_hidden_tests(pool: GraderPool) -> None:
    # A submission that searches everything it can reach and prints it: the hidden tests are not in the sandbox.
    source = (
        "import gc, os, sys\nfound = os.listdir('/')\n"
        "for root in ('/runner', '/tmp', os.getcwd()):\n    for top, dirs, files in os.walk(root):\n"
        "        found += [os.path.join(top, f) for f in files]\n"
        "print(found)\nprint(sorted(sys.modules))\n"
        "print([o for o in gc.get_objects() if isinstance(o, dict) and 'percent-missing' in map(str, o.values())])\n"
        + WRONG
    )
    for submission in (source, REFERENCE, WRONG):
        result = pool.run_examples(submission, "data-cleaning")
        text = payload(result)
        assert not [h for h in HIDDEN if h in text], text[:2000]
        assert "tests.py" not in text and "reference.py" not in text


@pytest.mark.sandbox
def test_examples_and_grading_share_the_pool_across_threads(pool: GraderPool) -> None:
    def work(i: int) -> str:
        if i % 2:
            return pool.grade(REFERENCE, "data-cleaning").status
        return pool.run_examples(REFERENCE, "data-cleaning").status

    with ThreadPoolExecutor(max_workers=4) as executor:
        statuses = list(executor.map(work, range(8)))
    assert statuses == ["ran", "passed"] * 4


def test_unknown_exercise_and_closed_pool_are_refused() -> None:
    needs_bwrap()
    pool = GraderPool(workers=1, with_signals=False)
    with pytest.raises(NotFoundError):
        pool.run_examples(REFERENCE, "no-such-exercise")
    with pytest.raises(UsageError):
        pool.run_examples(REFERENCE, "data-cleaning", stdout_kb=-1)
    pool.close()
    with pytest.raises(UsageError):
        pool.run_examples(REFERENCE, "data-cleaning")
    with pytest.raises(UsageError):
        pool.run_examples("x = 1\x00", "data-cleaning")
