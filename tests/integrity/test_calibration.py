"""Thresholds are data measured on each exercise's corpus; the stored file is what the corpus gives today."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mlscreen.bank import Bank, Exercise, load_bank
from mlscreen.errors import UsageError
from mlscreen.integrity.calibration import (
    CALIBRATION_FILE,
    FLOOR,
    ExerciseThreshold,
    Labelled,
    calibrate,
    calibration_document,
    choose,
    corpus_of,
    default_threshold,
    threshold_of,
)
from mlscreen.integrity.variants import disguises


@pytest.fixture(scope="module")
def found(bank: Bank) -> dict[str, ExerciseThreshold]:
    return calibrate(bank)


def test_the_stored_calibration_is_what_the_corpus_gives(found: dict[str, ExerciseThreshold]) -> None:
    assert len(found) >= 6
    current = CALIBRATION_FILE.read_text(encoding="utf-8")
    assert current == calibration_document(found, default=default_threshold()), (
        "similarity_calibration.json is stale: run `python scripts/calibrate_similarity.py --write`"
    )


def test_every_calibrated_exercise_flags_no_honest_pair_and_most_copies(found: dict[str, ExerciseThreshold]) -> None:
    for exercise_id, t in found.items():
        assert t.honest_false_positive_rate == 0.0, exercise_id
        assert t.recall is not None and t.recall >= 0.8, exercise_id
        assert t.threshold >= FLOOR and threshold_of(exercise_id) == t


def test_an_exercise_without_corpus_gets_the_default_uncalibrated(bank: Bank, tmp_path: Path) -> None:
    assert not threshold_of("no-such-exercise").calibrated
    assert threshold_of("no-such-exercise").threshold == default_threshold()
    source = bank.sidecar("data-cleaning", "exercise.yaml").parent
    private = tmp_path / "bank" / "private-cleaning"
    private.mkdir(parents=True)
    for path in source.glob("*.*"):  # the exercise's files, not its corpus folder
        text = path.read_text(encoding="utf-8")
        (private / path.name).write_text(text.replace("id: data-cleaning", "id: private-cleaning"), encoding="utf-8")
    extended = load_bank(extra=[tmp_path / "bank"])
    assert corpus_of(extended, "private-cleaning") == {}
    with pytest.raises(UsageError, match="has no similarity corpus"):
        calibrate(extended, ["private-cleaning"])


def test_honest_solutions_that_are_alike_mark_the_exercise_instead_of_a_low_threshold() -> None:
    pairs = [Labelled("a", "b", False, 0.72), Labelled("a", "a2", True, 0.95), Labelled("b", "b2", True, 0.9)]
    chosen = choose(pairs)
    assert chosen.inherently_similar and chosen.threshold > 0.72
    assert chosen.honest_false_positive_rate == 0.0 and chosen.recall == 1.0
    assert not choose([Labelled("a", "b", False, 0.1), Labelled("a", "c", True, 0.8)]).inherently_similar


def test_disguised_copies_still_parse_and_keep_the_interface(bank: Bank, found: dict[str, ExerciseThreshold]) -> None:
    for exercise_id in found:
        exercise = bank.get(exercise_id, Exercise)
        for versions in corpus_of(bank, exercise_id).values():
            for name, source in versions.items():
                tree = ast.parse(source)
                defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
                assert set(exercise.entrypoints) <= defined, f"{exercise_id}/{name}"


def test_each_level_changes_the_text() -> None:
    source = "def f(x):\n    '''Doc.'''\n    a = x + 1\n    b = x * 2\n    return a + b\n"
    copies = disguises(source, seed=1)
    assert set(copies) == {"L1-layout", "L2-renamed", "L3-reordered"}
    assert "Doc." not in copies["L1-layout"] and "a = x + 1" in copies["L1-layout"]
    assert "a = x + 1" not in copies["L2-renamed"]
    renamed, reordered = copies["L2-renamed"], copies["L3-reordered"]
    first = [line.strip() for line in renamed.splitlines() if "=" in line]
    assert first != [line.strip() for line in reordered.splitlines() if "=" in line]
