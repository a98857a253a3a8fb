"""Interview kits: what an interviewer holds for one stage of a profile's loop, rendered as Markdown or HTML."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from mlscreen.bank.bank import Bank, LoopEntry
from mlscreen.bank.models import Profile, Question, Rubric
from mlscreen.errors import NotFoundError, UsageError

_TEMPLATES = Path(__file__).parent / "templates"
KitFormat = Literal["md", "html"]


@dataclass(frozen=True)
class KitStage:
    """One stage of a kit: the stage, its chosen questions and its rubrics."""

    entry: LoopEntry
    questions: list[Question]
    rubrics: list[Rubric]
    uncovered_topics: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kit:
    """An interview kit for a profile: one or all stages of its loop."""

    profile: Profile
    stages: list[KitStage]
    seed: int
    level: str | None


def select_questions(
    bank: Bank, entry: LoopEntry, *, profile: str, seed: int, level: str | None = None
) -> tuple[list[Question], list[str]]:
    """Return `entry.question_count` distinct questions covering the entry's topics, and the topics none covered.

    The choice is deterministic for a given bank, seed and level: one question per topic in topic order
    (preferring questions written for the profile), then any further questions the count calls for.
    """
    if not entry.stage.question_type or entry.question_count == 0:
        return [], []
    pool = _candidates(bank, entry, profile=profile, seed=seed, level=level)
    chosen, uncovered = _one_per_topic(pool, entry)
    # Fill up with questions on the stage's topics first, so a stage never borrows another stage's questions
    # (culture and recruiter screen both ask pre-screen questions) while on-topic ones remain; sorted() is stable.
    for q in sorted(pool, key=lambda q: not set(q.topics) & set(entry.topics)):
        if len(chosen) >= entry.question_count:
            break
        if q not in chosen and profile in q.profiles:
            chosen.append(q)
    return chosen, uncovered


def _candidates(bank: Bank, entry: LoopEntry, *, profile: str, seed: int, level: str | None) -> list[Question]:
    """Return the reviewed questions of the stage's type (at `level`), in a seed-dependent order, profile's first."""
    from mlscreen.bank.models import ITEM_TYPES, QUESTION_TYPES

    stage = entry.stage
    assert stage.question_type in QUESTION_TYPES
    kind = ITEM_TYPES[stage.question_type]
    pool = [q for q in bank.items(kind) if isinstance(q, Question) and q.status == "reviewed"]
    if level is not None:
        pool = [q for q in pool if level in q.level]
    rng = random.Random(f"{seed}:{profile}:{stage.id}")
    rng.shuffle(pool)
    # Questions written for this profile first; the shuffle keeps the order among equals seed-dependent.
    pool.sort(key=lambda q: profile not in q.profiles)
    return pool


def _one_per_topic(pool: list[Question], entry: LoopEntry) -> tuple[list[Question], list[str]]:
    """Return the first question of `pool` on each of the entry's topics (up to its count), and the uncovered ones."""
    chosen: list[Question] = []
    uncovered = []
    for topic in entry.topics:
        if len(chosen) >= entry.question_count:
            break
        if any(topic in q.topics for q in chosen):
            continue
        match = next((q for q in pool if topic in q.topics and q not in chosen), None)
        if match is None:
            uncovered.append(topic)
        else:
            chosen.append(match)
    return chosen, uncovered


def build_kit(bank: Bank, *, profile: str, stage: str | None = None, seed: int = 0, level: str | None = None) -> Kit:
    """Return the kit for `profile` (all stages, or only `stage`).

    Raises `NotFoundError` for an unknown profile and `UsageError` for a stage not in the profile's loop.
    """
    prof = bank.get(profile, Profile)
    entries = bank.loop(profile)
    if stage is not None:
        entries = [e for e in entries if e.stage.id == stage]
        if not entries:
            known = ", ".join(e.stage.id for e in bank.loop(profile))
            raise UsageError(f"stage {stage!r} is not in the {profile} loop", hint=f"use one of: {known}")
    stages = []
    for entry in entries:
        questions, uncovered = select_questions(bank, entry, profile=profile, seed=seed, level=level)
        rubrics = [bank.get(r, Rubric) for r in entry.stage.rubrics]
        stages.append(KitStage(entry, questions, rubrics, uncovered))
    return Kit(prof, stages, seed, level)


def _environment(autoescape: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_kit(kit: Kit, *, fmt: KitFormat = "md") -> str:
    """Return the kit rendered as Markdown (`md`) or a standalone HTML page (`html`)."""
    if fmt not in ("md", "html"):
        raise UsageError(f"unknown kit format {fmt!r}", hint="use md or html")
    template = _environment(fmt == "html").get_template(f"kit.{fmt}.j2")
    return template.render(kit=kit)


def loop_summary(bank: Bank) -> list[tuple[Profile, list[LoopEntry]]]:
    """Return every profile with its resolved loop."""
    return [(p, bank.loop(p.id)) for p in bank.profiles()]


__all__ = ["Kit", "KitStage", "NotFoundError", "build_kit", "loop_summary", "render_kit", "select_questions"]
