"""The question bank: every item of the packaged and extra banks, cross-checked, queryable by type and tag."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from mlscreen import settings
from mlscreen.bank.loader import PACKAGED_BANK, Loaded, Source, load_items, raise_if
from mlscreen.bank.models import (
    CombinationRule,
    DesignPrompt,
    Exercise,
    Item,
    LoopStep,
    Profile,
    Question,
    Rubric,
    Stage,
    Topic,
)
from mlscreen.errors import ContentError, NotFoundError

T = TypeVar("T", bound=Item)
COMBINATION = "combination"
"""The id of the bank's one combination rule (a private bank replaces it with `overrides: true`)."""


@dataclass(frozen=True)
class LoopEntry:
    """A stage of a profile's loop with the profile's changes applied."""

    stage: Stage
    topics: list[str]
    question_count: int


class Bank:
    """Validated items by id. Build one with `load_bank`."""

    def __init__(self, loaded: dict[str, Loaded]) -> None:
        self._loaded = loaded

    def __len__(self) -> int:
        return len(self._loaded)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._loaded

    def get(self, item_id: str, kind: type[T] = Item) -> T:  # type: ignore[assignment]
        """Return the item with `item_id`; raises `NotFoundError` if none (of that kind) exists."""
        loaded = self._loaded.get(item_id)
        if loaded is None or not isinstance(loaded.item, kind):
            what = kind.__name__.lower() if kind is not Item else "item"
            raise NotFoundError(
                f"no {what} with id {item_id!r} in the bank",
                hint="`mlscreen bank list` shows the ids there are",
            )
        return loaded.item

    def source(self, item_id: str) -> Source:
        """Return where the item was defined."""
        return self._loaded[item_id].source

    def sidecar(self, item_id: str, name: str) -> Path:
        """Return the path of a sidecar file that sits beside the item's YAML."""
        return self.source(item_id).path.parent / name

    def items(
        self,
        kind: type[T] = Item,  # type: ignore[assignment]
        *,
        profile: str | None = None,
        topic: str | None = None,
        include_retired: bool = False,
    ) -> list[T]:
        """Return items of `kind`, filtered by profile and topic, sorted by id."""
        out = []
        for loaded in self._loaded.values():
            item = loaded.item
            if not isinstance(item, kind):
                continue
            if item.status == "retired" and not include_retired:
                continue
            if profile is not None and not (isinstance(item, Question) and profile in item.profiles):
                continue
            if topic is not None and not (isinstance(item, Question) and topic in item.topics):
                continue
            out.append(item)
        return sorted(out, key=lambda i: i.id)

    def profiles(self) -> list[Profile]:
        """Return the role profiles."""
        return self.items(Profile)

    def loop(self, profile_id: str) -> list[LoopEntry]:
        """Return the profile's loop with its stages resolved."""
        profile = self.get(profile_id, Profile)
        entries = []
        for step in profile.loop:
            stage = self.get(step.stage, Stage)
            entries.append(
                LoopEntry(
                    stage=stage,
                    topics=list(step.topics if step.topics is not None else stage.topics),
                    question_count=step.question_count if step.question_count is not None else stage.question_count,
                )
            )
        return entries

    def combination(self, profile_id: str) -> CombinationRule:
        """Return the combination rule for the profile's packets: the bank's rule with the profile's changes.

        Raises `NotFoundError` for an unknown profile or a bank without a combination rule.
        """
        profile = self.get(profile_id, Profile)
        return self.get(COMBINATION, CombinationRule).changed(profile.combination)

    def exercise_source(self, exercise_id: str, part: str) -> str:
        """Return the text of an exercise's sidecar `part` ('starter', 'reference' or 'tests')."""
        exercise = self.get(exercise_id, Exercise)
        return self.sidecar(exercise_id, str(getattr(exercise, part))).read_text(encoding="utf-8")


def _problem(bank: dict[str, Loaded], item: Item, field: str, message: str, hint: str) -> ContentError:
    src = bank[item.id].source
    return ContentError(str(src.path), src.line, f"{item.id}.{field}", message, hint=hint)


def cross_check(loaded: dict[str, Loaded]) -> list[ContentError]:
    """Return problems in references between items (unknown profiles, topics, stages, rubrics)."""
    by_type: dict[type[Item], set[str]] = {}
    for entry in loaded.values():
        by_type.setdefault(type(entry.item), set()).add(entry.item.id)
    topics = by_type.get(Topic, set())
    profiles = by_type.get(Profile, set())
    stages = by_type.get(Stage, set())
    rubrics = by_type.get(Rubric, set())
    problems: list[ContentError] = []

    def need(item: Item, field: str, refs: Iterable[str], known: set[str], what: str) -> None:
        for ref in refs:
            if ref not in known:
                problems.append(
                    _problem(
                        loaded,
                        item,
                        field,
                        f"unknown {what} {ref!r}",
                        f"use one of: {', '.join(sorted(known)) or '(none defined)'}",
                    )
                )

    for entry in loaded.values():
        item = entry.item
        if isinstance(item, Question):
            need(item, "profiles", item.profiles, profiles, "profile")
            need(item, "topics", item.topics, topics, "topic")
        if isinstance(item, DesignPrompt | Exercise):
            need(item, "rubric", [item.rubric], rubrics, "rubric")
        if isinstance(item, DesignPrompt) and item.rubric in rubrics:
            rubric = loaded[item.rubric].item
            assert isinstance(rubric, Rubric)
            categories = {c.id for c in rubric.categories}
            for comp in item.expected_components:
                need(
                    item,
                    "expected_components.rubric_categories",
                    comp.rubric_categories,
                    categories,
                    "category",
                )
        if isinstance(item, Stage):
            need(item, "rubrics", item.rubrics, rubrics, "rubric")
            need(item, "topics", item.topics, topics, "topic")
        if isinstance(item, Profile):
            steps: Sequence[LoopStep] = item.loop
            need(item, "loop.stage", [s.stage for s in steps], stages, "stage")
            for step in steps:
                need(item, "loop.topics", step.topics or [], topics, "topic")
    problems.extend(_combination_problems(loaded))
    return problems


def _combination_problems(loaded: dict[str, Loaded]) -> list[ContentError]:
    """Return problems with the combination rule: missing while profiles need it, or broken by a profile's changes."""
    profiles = [e.item for e in loaded.values() if isinstance(e.item, Profile)]
    rule = loaded.get(COMBINATION)
    if rule is None or not isinstance(rule.item, CombinationRule):
        if not profiles:
            return []
        return [
            _problem(
                loaded,
                profiles[0],
                "combination",
                "the bank has no combination rule for the decision packet",
                "keep the packaged bank loaded, or add an item of type combination (docs/content-format.md)",
            )
        ]
    problems = []
    for profile in profiles:
        try:
            rule.item.changed(profile.combination)
        except ValidationError as exc:
            message = "; ".join(str(e["msg"]) for e in exc.errors())
            problems.append(
                _problem(loaded, profile, "combination", message, "change the profile's values so the rule holds")
            )
    return problems


def bank_dirs(extra: Iterable[Path] = ()) -> list[Path]:
    """Return the directories a bank loads from: packaged, then `MLSCREEN_BANK_PATH`, then `extra`."""
    configured: list[Path] = settings.BANK_PATH.get()
    return [PACKAGED_BANK, *configured, *extra]


def load_bank(*, extra: Iterable[Path] = (), packaged: bool = True) -> Bank:
    """Return the bank from the packaged content plus extra directories.

    Raises `BankError` listing every problem when anything fails to validate; nothing is half-loaded.
    """
    dirs = bank_dirs(extra) if packaged else list(extra)
    loaded, problems = load_items(dirs)
    if not problems:  # references into items that failed to load would only repeat those problems
        problems = cross_check(loaded)
    raise_if(problems)
    return Bank(loaded)


__all__ = ["Bank", "LoopEntry", "bank_dirs", "cross_check", "load_bank"]
