"""The exercise catalogue: complete exercises, references at full marks, wrong variants caught, topics covered."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mlscreen.bank import Bank, Exercise, load_bank
from mlscreen.grader import GradeResult, GraderPool
from mlscreen.grader.checks import KINDS
from mlscreen.grader.exercise import load_spec
from tests.grader.conftest import needs_bwrap

MIN_EXERCISES = 12
MIN_VARIANTS = 6
# tests/grader/test_exercises.py already runs `exercise check` on these; the sandboxed runs here cover the rest.
CHECKED_BY_GRADER_TESTS = {"data-cleaning", "debug-classifier", "inference-pipeline"}
EXERCISE_IDS = [e.id for e in load_bank().items(Exercise)]


def _failed(result: GradeResult) -> set[str]:
    return {t.id for t in result.tests if not t.passed}


def _coding_topics(bank: Bank, profile_id: str) -> list[str]:
    return [t for entry in bank.loop(profile_id) if entry.stage.question_type == "exercise" for t in entry.topics]


# ---------------------------------------------------------------------------- catalogue (no sandbox)


def test_catalogue_is_large_enough(bank: Bank) -> None:
    assert len(bank.items(Exercise)) >= MIN_EXERCISES


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_exercise_is_complete(bank: Bank, exercise_id: str) -> None:
    exercise = bank.get(exercise_id, Exercise)
    spec = load_spec(bank, exercise_id)
    kinds = {c.kind for c in spec.checks}
    ids = {c.id for c in spec.checks}
    assert len(exercise.must_fail) >= MIN_VARIANTS
    assert exercise.visible_examples and all(e.call.strip() and e.expected.strip() for e in exercise.visible_examples)
    assert exercise.minutes > 0
    assert "core" in kinds  # correctness is computed from the core (and edge) tests
    assert exercise.rubric_mapping
    for category, mapped in exercise.rubric_mapping.items():
        assert set(mapped) <= set(KINDS), category
        assert set(mapped) & kinds, f"{category} maps to kinds no hidden test has"
    for variant in exercise.must_fail:
        assert (spec.directory / variant.file).is_file(), variant.file
        assert set(variant.catches) <= ids, variant.file


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_reference_and_starter_define_the_entrypoints(bank: Bank, exercise_id: str) -> None:
    exercise = bank.get(exercise_id, Exercise)
    for part in ("starter", "reference"):
        tree = ast.parse(bank.exercise_source(exercise_id, part))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        assert set(exercise.entrypoints) <= defined, part


@pytest.mark.parametrize("profile_id", [p.id for p in load_bank().profiles()])
def test_coding_topics_of_every_profile_are_covered(bank: Bank, profile_id: str) -> None:
    topics = _coding_topics(bank, profile_id)
    assert topics, f"{profile_id} has no coding-stage topics"
    for topic in topics:
        assert bank.items(Exercise, profile=profile_id, topic=topic), f"no {topic} exercise for {profile_id}"


def test_the_expected_coding_topics_are_declared(bank: Bank) -> None:
    expected = {
        "ml-engineer": {"data-munging", "debugging"},
        "ml-research-engineer": {"algorithms"},
        "data-scientist": {"data-munging"},
        "mlops-engineer": {"production-monitoring"},
    }
    for profile_id, topics in expected.items():
        assert topics <= set(_coding_topics(bank, profile_id)), profile_id


def test_grader_tests_still_check_the_exercises_skipped_here() -> None:
    grader_tests = (Path(__file__).parent / "test_exercises.py").read_text(encoding="utf-8")
    for exercise_id in CHECKED_BY_GRADER_TESTS:
        assert f'"{exercise_id}"' in grader_tests, f"{exercise_id} is checked nowhere; drop it from the set here"


# ---------------------------------------------------------------------------- sandboxed runs


@pytest.fixture(scope="module")
def catalog_pool() -> Iterator[GraderPool]:
    needs_bwrap()
    with GraderPool(workers=2, with_signals=False) as pool:
        pool.warm()
        yield pool


@pytest.mark.sandbox
@pytest.mark.parametrize("exercise_id", sorted(set(EXERCISE_IDS) - CHECKED_BY_GRADER_TESTS))
def test_reference_passes_and_variants_are_caught(catalog_pool: GraderPool, bank: Bank, exercise_id: str) -> None:
    exercise = bank.get(exercise_id, Exercise)
    directory = bank.source(exercise_id).path.parent
    files = [exercise.reference, *(v.file for v in exercise.must_fail)]
    sources = [(directory / f).read_text(encoding="utf-8") for f in files]
    with ThreadPoolExecutor(max_workers=2) as executor:
        results = list(executor.map(lambda source: catalog_pool.grade(source, exercise_id), sources))
    reference, variants = results[0], results[1:]
    assert reference.status == "passed", sorted(_failed(reference))
    assert reference.rubric["correctness"] == 4
    assert all(level == 3 for key, level in reference.rubric.items() if key != "correctness"), reference.rubric
    for variant, result in zip(exercise.must_fail, variants, strict=True):
        assert result.status != "passed", variant.file
        missed = set(variant.catches) - _failed(result)
        assert not missed, f"{variant.file} passed {sorted(missed)}"


@pytest.mark.sandbox
def test_starters_do_not_pass(catalog_pool: GraderPool, bank: Bank) -> None:
    starters = {e.id: bank.exercise_source(e.id, "starter") for e in bank.items(Exercise)}
    with ThreadPoolExecutor(max_workers=2) as executor:
        results = dict(zip(starters, executor.map(lambda i: catalog_pool.grade(starters[i], i), starters), strict=True))
    for exercise_id, result in results.items():
        assert result.status != "passed", exercise_id
