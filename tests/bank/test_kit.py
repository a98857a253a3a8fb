"""Interview kits: every profile and stage renders, selection is seeded, distinct and covers the stage's topics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlscreen.bank import Bank, load_bank
from mlscreen.bank.kit import Kit, build_kit, render_kit
from mlscreen.bank.loader import PACKAGED_BANK
from tests.conftest import CliResult

_BANK = load_bank(packaged=False, extra=[PACKAGED_BANK])  # the packaged bank only, whatever the environment
CASES = [(p.id, e.stage.id) for p in _BANK.profiles() for e in _BANK.loop(p.id)]
PROFILES = sorted({p for p, _ in CASES})


def _ids(kit: Kit) -> list[list[str]]:
    return [[q.id for q in ks.questions] for ks in kit.stages]


def test_cases_span_every_profile_and_stage() -> None:
    assert PROFILES == ["data-scientist", "ml-engineer", "ml-research-engineer", "mlops-engineer"]
    assert len(CASES) == sum(len(p.loop) for p in _BANK.profiles()) >= 20


@pytest.mark.parametrize(("profile", "stage"), CASES)
def test_kit_renders_as_markdown_and_html(bank: Bank, profile: str, stage: str) -> None:
    kit = build_kit(bank, profile=profile, stage=stage, seed=7)
    (ks,) = kit.stages
    md = render_kit(kit, fmt="md")
    html = render_kit(kit, fmt="html")
    assert ks.entry.stage.title in md
    assert html.lstrip().lower().startswith("<!doctype html")
    for q in ks.questions:
        assert q.id in md
        assert f'id="{q.id}"' in html
    for rubric in ks.rubrics:
        assert rubric.title in md


@pytest.mark.parametrize("profile", PROFILES)
def test_full_kit_covers_every_stage_topic_with_distinct_questions(bank: Bank, profile: str) -> None:
    kit = build_kit(bank, profile=profile)
    assert [ks.entry.stage.id for ks in kit.stages] == [e.stage.id for e in bank.loop(profile)]
    for ks in kit.stages:
        ids = [q.id for q in ks.questions]
        assert len(ids) == len(set(ids)), f"{ks.entry.stage.id} repeats a question"
        if ks.entry.stage.question_type == "exercise":
            continue
        assert ks.uncovered_topics == [], ks.entry.stage.id
        assert len(ids) == ks.entry.question_count
        covered = {t for q in ks.questions for t in q.topics}
        assert set(ks.entry.topics) <= covered
        assert all(q.type == ks.entry.stage.question_type for q in ks.questions)  # type: ignore[attr-defined]


@pytest.mark.parametrize("level", ["junior", "mid", "senior"])
@pytest.mark.parametrize("profile", PROFILES)
def test_every_level_gets_a_covered_kit(bank: Bank, profile: str, level: str) -> None:
    kit = build_kit(bank, profile=profile, level=level)
    for ks in kit.stages:
        assert all(level in q.level for q in ks.questions)
        if ks.entry.stage.question_type != "exercise":
            assert ks.uncovered_topics == [], f"{ks.entry.stage.id} at {level}"


def test_selection_is_deterministic_for_a_seed_and_varies_across_seeds(bank: Bank) -> None:
    first = _ids(build_kit(bank, profile="ml-engineer", seed=3))
    assert first == _ids(build_kit(bank, profile="ml-engineer", seed=3))
    others = [_ids(build_kit(bank, profile="ml-engineer", seed=s)) for s in range(4, 14)]
    assert any(o != first for o in others)
    assert render_kit(build_kit(bank, profile="ml-engineer", seed=3)) == render_kit(
        build_kit(bank, profile="ml-engineer", seed=3)
    )


def test_culture_stage_asks_only_behavioural_questions(bank: Bank) -> None:
    for profile in PROFILES:
        for seed in range(10):
            kit = build_kit(bank, profile=profile, stage="culture-collaboration", seed=seed)
            (ks,) = kit.stages
            assert len(ks.questions) == 3
            assert all(q.topics == ["collaboration"] for q in ks.questions), [q.id for q in ks.questions]


def test_recruiter_screen_never_borrows_behavioural_questions(bank: Bank) -> None:
    for profile in PROFILES:
        for seed in range(10):
            (ks,) = build_kit(bank, profile=profile, stage="recruiter-screen", seed=seed).stages
            assert all("collaboration" not in q.topics for q in ks.questions)


def test_cli_writes_an_html_kit(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    out = tmp_path / "kit.html"
    result = run_cli("kit", "--profile", "mlops-engineer", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "MLOps Engineer" in text and "<table" in text
    assert str(out) in result.stdout


def test_cli_prints_a_markdown_stage(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("kit", "--profile", "ml-engineer", "--stage", "ml-system-design", "--seed", "2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Interview kit: ML Engineer")
    assert "Expected components:" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "astronaut"], "no profile with id 'astronaut'"),
        (["--profile", "ml-engineer", "--stage", "karaoke"], "stage 'karaoke' is not in the ml-engineer loop"),
        (["--profile", "ml-engineer", "--format", "pdf"], "unknown format 'pdf'"),
    ],
)
def test_cli_rejects_unknown_input_with_exit_2(
    run_cli: Callable[..., CliResult], args: list[str], message: str
) -> None:
    result = run_cli("kit", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "how to fix" in result.stderr
    assert "Traceback" not in result.stderr
