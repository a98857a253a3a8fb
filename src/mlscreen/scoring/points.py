"""What an answer is scored against: expected points (with variants and weights) and red flags, from any source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlscreen.errors import UsageError
from mlscreen.scoring.text import split_clauses

MAX_WEIGHT = 1000.0


@dataclass(frozen=True)
class PointSpec:
    """One expected point: its text, the other ways of saying it, its weight and whether it is required."""

    text: str
    weight: float = 1.0
    required: bool = False
    variants: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Return the point's text followed by its variants."""
        return (self.text, *self.variants)


@dataclass(frozen=True)
class GradedExample:
    """An answer to the same question that a person has already graded (0-1), used as an extra reference."""

    answer: str
    grade: float


@dataclass(frozen=True)
class Target:
    """Everything one answer is compared with."""

    points: tuple[PointSpec, ...]
    reference: str
    question: str | None = None
    red_flags: tuple[str, ...] = field(default=())
    examples: tuple[GradedExample, ...] = field(default=())


def _example(raw: Any) -> GradedExample:
    if isinstance(raw, GradedExample):
        return raw
    if isinstance(raw, Mapping):
        answer, grade = raw.get("answer"), raw.get("grade")
    elif isinstance(raw, tuple | list) and len(raw) == 2:
        answer, grade = raw
    else:
        raise UsageError('a graded example must be {"answer": "...", "grade": 0..1}')
    if not isinstance(answer, str) or not answer.strip():
        raise UsageError("a graded example needs a non-empty answer text")
    if isinstance(grade, bool) or not isinstance(grade, int | float) or not 0 <= grade <= 1:
        raise UsageError(f"the grade of example {answer[:40]!r} must be a number from 0 to 1")
    return GradedExample(answer.strip(), float(grade))


PointLike = Any  # an ExpectedPoint, a PointSpec, a str or a mapping with "point"/"text"


def _point(raw: PointLike, variants: Mapping[str, Sequence[str]]) -> PointSpec:
    if isinstance(raw, PointSpec):
        spec = raw
    elif isinstance(raw, str):
        spec = PointSpec(raw.strip())
    elif isinstance(raw, Mapping):
        text = raw.get("point", raw.get("text"))
        if not isinstance(text, str):
            raise UsageError("an expected point needs a text", hint='give {"point": "...", "weight": 1}')
        weight = raw.get("weight", 1.0)
        # `0 < w <= MAX_WEIGHT` also refuses NaN and infinity, which would make every score NaN.
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= MAX_WEIGHT:
            raise UsageError(
                f"the weight of point {text!r} must be a positive number up to {MAX_WEIGHT:g}", hint="e.g. 1 or 2.5"
            )
        extra = raw.get("variants", ())
        if not isinstance(extra, list | tuple) or not all(isinstance(v, str) for v in extra):
            raise UsageError(f"the variants of point {text!r} must be a list of strings")
        spec = PointSpec(text.strip(), float(weight), bool(raw.get("required", False)), tuple(extra))
    elif hasattr(raw, "text") and hasattr(raw, "weight"):  # the bank's ExpectedPoint
        spec = PointSpec(raw.text, float(raw.weight), bool(raw.required), tuple(raw.variants))
    else:
        raise UsageError(f"cannot read an expected point from {type(raw).__name__}")
    if not spec.text:
        raise UsageError("an expected point is empty", hint="remove it or give its text")
    more = tuple(v for v in variants.get(spec.text, ()) if v not in spec.variants)
    if more:
        spec = PointSpec(spec.text, spec.weight, spec.required, spec.variants + more)
    return spec


def build_target(
    *,
    expected_points: Sequence[PointLike] | None = None,
    reference_answer: str | None = None,
    question: str | None = None,
    red_flags: Sequence[str] = (),
    variants: Mapping[str, Sequence[str]] | None = None,
    examples: Sequence[Any] = (),
) -> Target:
    """Return the target for one answer; with only a reference answer, each of its clauses is a point.

    `examples` are already graded answers to the same question ({"answer", "grade"} with grade 0-1).
    Raises `UsageError` when neither points nor a reference (or an empty one) is given, or an example is malformed.
    """
    if expected_points:
        points = tuple(_point(p, variants or {}) for p in expected_points)
        reference = " ".join(p.text for p in points)
    elif reference_answer and reference_answer.strip():
        reference = reference_answer.strip()
        points = tuple(PointSpec(c.text) for c in split_clauses(reference))
    else:
        raise UsageError(
            "nothing to score against: give expected_points or a reference_answer",
            hint='add "expected_points": [{"point": "..."}] or "reference_answer": "..."',
        )
    flags = tuple(f.strip() for f in red_flags if isinstance(f, str) and f.strip())
    graded = tuple(_example(e) for e in examples)
    return Target(points=points, reference=reference, question=question or None, red_flags=flags, examples=graded)


def target_from_bank(question_id: str, *, bank: Any = None) -> Target:
    """Return the target of a bank question (knowledge, pre-screen or design) by id.

    Raises `NotFoundError` when the bank has no such question.
    """
    from mlscreen.bank import DesignPrompt, KnowledgeQuestion, PrescreenQuestion, load_bank
    from mlscreen.bank.models import Question

    bank = bank if bank is not None else load_bank()
    item = bank.get(question_id, Question)
    if isinstance(item, KnowledgeQuestion):
        return build_target(expected_points=item.expected_points, question=item.prompt, red_flags=item.red_flags)
    if isinstance(item, PrescreenQuestion):
        return build_target(expected_points=item.look_fors, question=item.question, red_flags=item.red_flags)
    if isinstance(item, DesignPrompt):
        components = [PointSpec(c.name, c.weight, False, tuple(c.look_fors)) for c in item.expected_components]
        return build_target(expected_points=components, question=item.prompt, red_flags=item.red_flags)
    raise UsageError(
        f"question {question_id!r} is a coding exercise; answer scoring needs a question with expected points",
        hint="grade exercises with `mlscreen grade`",
    )
