"""Pydantic models of every question-bank item type; unknown fields are errors."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Competency: TypeAlias = Literal[
    "coding", "ml_knowledge", "system_design", "applied_judgment", "ownership_communication"
]
COMPETENCIES: tuple[Competency, ...] = (
    "coding",
    "ml_knowledge",
    "system_design",
    "applied_judgment",
    "ownership_communication",
)
COMPETENCY_LABELS: dict[str, str] = {
    "coding": "Coding",
    "ml_knowledge": "ML knowledge",
    "system_design": "System design",
    "applied_judgment": "Applied judgment",
    "ownership_communication": "Ownership and communication",
}
"""How pages and reports name each competency."""
StageKind: TypeAlias = Literal["recruiter_screen", "coding", "knowledge", "system_design", "culture"]
QuestionType: TypeAlias = Literal["knowledge", "design", "prescreen", "exercise"]
LevelName: TypeAlias = Literal["junior", "mid", "senior"]
LEVELS: tuple[LevelName, ...] = ("junior", "mid", "senior")
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length=2, max_length=64)]
Text = Annotated[str, Field(min_length=1)]


def _all_levels() -> list[LevelName]:
    return list(LEVELS)


class Strict(BaseModel):
    """Base of all content models: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Item(Strict):
    """Fields every bank item carries."""

    id: Slug
    version: int = Field(default=1, ge=1)
    status: Literal["draft", "reviewed", "retired"] = "reviewed"
    title: Text
    overrides: bool = Field(default=False, description="Replace a packaged item that has the same id.")


class Question(Item):
    """Fields shared by everything an interviewer or candidate is asked."""

    profiles: list[Slug] = Field(min_length=1)
    level: list[LevelName] = Field(default_factory=_all_levels)
    topics: list[Slug] = Field(min_length=1)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    minutes: int = Field(ge=1, le=180, description="Time the question takes in the interview.")


# ---------------------------------------------------------------------------- structure


class Topic(Item):
    """A subject that questions are tagged with and stages must cover."""

    type: Literal["topic"]
    description: Text


class RubricCategory(Strict):
    """One row of a rubric: what is rated and what each level looks like."""

    id: Slug
    name: Text
    competency: Competency
    anchors: dict[int, Text] = Field(description="Behavioural anchor per level 1-4.")

    @field_validator("anchors")
    @classmethod
    def _four_levels(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != [1, 2, 3, 4]:
            raise ValueError("anchors need exactly the levels 1, 2, 3 and 4")
        return value


class Rubric(Item):
    """Categories x levels with behavioural anchors."""

    type: Literal["rubric"]
    description: Text
    level_labels: list[Text] = Field(min_length=4, max_length=4, description="Names of levels 1-4.")
    categories: list[RubricCategory] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_categories(self) -> Rubric:
        ids = [c.id for c in self.categories]
        if len(ids) != len(set(ids)):
            raise ValueError("category ids must be unique within a rubric")
        return self


class TimeBlock(Strict):
    """A slice of an interview's time plan."""

    minutes: int = Field(ge=1)
    activity: Text


class Stage(Item):
    """One interview in the loop: how long, who runs it, what it assesses and with which questions."""

    type: Literal["stage"]
    kind: StageKind
    goal: Text
    duration_min: int = Field(ge=5, le=240)
    duration_max: int = Field(ge=5, le=240)
    interviewer_role: Text
    assesses: list[Competency] = Field(min_length=1)
    rubrics: list[Slug] = Field(default_factory=list)
    question_type: QuestionType | None = None
    question_count: int = Field(default=0, ge=0, le=20)
    topics: list[Slug] = Field(default_factory=list, description="Topics the chosen questions must cover.")
    time_plan: list[TimeBlock] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Stage:
        if self.duration_min > self.duration_max:
            raise ValueError("duration_min must not exceed duration_max")
        if self.question_count and self.question_type is None:
            raise ValueError("question_count needs a question_type")
        planned = sum(b.minutes for b in self.time_plan)
        if self.time_plan and planned > self.duration_max:
            raise ValueError(f"time_plan adds up to {planned} min, more than duration_max {self.duration_max}")
        return self


class LoopStep(Strict):
    """A stage as a profile uses it, with optional changes to what it asks."""

    stage: Slug
    topics: list[Slug] | None = None
    question_count: int | None = Field(default=None, ge=0, le=20)


class CombinationChanges(Strict):
    """A profile's changes to the combination rule; unset values keep the bank's rule."""

    strong_yes_at: float | None = Field(default=None, ge=1, le=4)
    yes_at: float | None = Field(default=None, ge=1, le=4)
    no_at: float | None = Field(default=None, ge=1, le=4)
    veto_weight: float | None = Field(default=None, gt=0, le=1)
    veto_below: float | None = Field(default=None, ge=1, le=4)
    min_coverage: float | None = Field(default=None, gt=0, le=1)
    disagreement_spread: int | None = Field(default=None, ge=1, le=3)


class CombinationRule(Item):
    """How the decision packet turns mean ratings (1-4) into a recommendation; the bank holds exactly one."""

    type: Literal["combination"]
    id: Literal["combination"]
    description: Text
    strong_yes_at: float = Field(ge=1, le=4, description="A weighted mean at or above this is a strong yes.")
    yes_at: float = Field(ge=1, le=4, description="At or above this (and below strong_yes_at): yes.")
    no_at: float = Field(ge=1, le=4, description="At or above this (and below yes_at): no; below it: strong no.")
    veto_weight: float = Field(gt=0, le=1, description="A competency weighing this much or more can veto.")
    veto_below: float = Field(ge=1, le=4, description="Such a competency rated below this caps a yes at no.")
    min_coverage: float = Field(gt=0, le=1, description="Share of the profile's weight that must be rated.")
    disagreement_spread: int = Field(ge=1, le=3, description="Ratings this far apart at one stage are flagged.")

    @model_validator(mode="after")
    def _ordered(self) -> CombinationRule:
        if not self.no_at < self.yes_at < self.strong_yes_at:
            raise ValueError(
                f"thresholds must rise: no_at ({self.no_at}) < yes_at ({self.yes_at}) "
                f"< strong_yes_at ({self.strong_yes_at})"
            )
        return self

    def changed(self, changes: CombinationChanges | None) -> CombinationRule:
        """Return this rule with a profile's `changes` applied; raises `pydantic.ValidationError` if they break it."""
        if changes is None:
            return self
        return CombinationRule.model_validate(self.model_dump() | changes.model_dump(exclude_none=True))


class Profile(Item):
    """A role profile: what the role is, how it weighs the competencies, and its interview loop."""

    type: Literal["profile"]
    summary: Text
    focus: list[Text] = Field(min_length=1)
    weights: dict[Competency, float]
    loop: list[LoopStep] = Field(min_length=1)
    combination: CombinationChanges | None = Field(
        default=None, description="Changes to the bank's combination rule for this profile's packets."
    )

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        missing = [c for c in COMPETENCIES if c not in value]
        if missing:
            raise ValueError(f"weights must give every competency; missing: {', '.join(missing)}")
        if any(w < 0 for w in value.values()):
            raise ValueError("weights must not be negative")
        if abs(sum(value.values()) - 1.0) > 1e-6:
            raise ValueError(f"weights must add up to 1.0, they add up to {sum(value.values()):.3f}")
        return value


# ---------------------------------------------------------------------------- questions


class ExpectedPoint(Strict):
    """A point a good answer makes."""

    text: Text
    weight: float = Field(default=1.0, gt=0, le=10)
    required: bool = False
    variants: list[Text] = Field(default_factory=list, description="Other ways of saying the same point.")


class KnowledgeQuestion(Question):
    """An applied-reasoning question for the ML knowledge interview."""

    type: Literal["knowledge"]
    prompt: Text
    expected_points: list[ExpectedPoint] = Field(min_length=1)
    acceptable_variants: list[Text] = Field(default_factory=list)
    follow_ups: list[Text] = Field(default_factory=list)
    red_flags: list[Text] = Field(default_factory=list)
    hints: list[Text] = Field(default_factory=list)


class DesignComponent(Strict):
    """A component a complete system design includes."""

    name: Text
    weight: float = Field(default=1.0, gt=0, le=10)
    look_fors: list[Text] = Field(min_length=1)
    rubric_categories: list[Slug] = Field(min_length=1)


class DesignPrompt(Question):
    """A prompt for the ML system design interview."""

    type: Literal["design"]
    prompt: Text
    clarifications: list[Text] = Field(default_factory=list)
    constraints: list[Text] = Field(default_factory=list)
    rubric: Slug = "system-design"
    expected_components: list[DesignComponent] = Field(min_length=3)
    level_anchors: dict[int, Text]
    deep_dives: list[Text] = Field(default_factory=list)
    red_flags: list[Text] = Field(default_factory=list)

    @field_validator("level_anchors")
    @classmethod
    def _four_levels(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != [1, 2, 3, 4]:
            raise ValueError("level_anchors need exactly the levels 1, 2, 3 and 4")
        return value


class PrescreenQuestion(Question):
    """A recruiter pre-screen question: non-technical signals with look-fors and red flags."""

    type: Literal["prescreen"]
    question: Text
    purpose: Text
    look_fors: list[Text] = Field(min_length=1)
    red_flags: list[Text] = Field(default_factory=list)
    knockout: bool = Field(default=False, description="A red flag here ends the process.")


class MustFail(Strict):
    """A plausible wrong solution and the hidden tests that must catch it."""

    file: Text
    why: Text
    catches: list[Text] = Field(min_length=1)


class EquivalentMutant(Strict):
    """A mutant of the reference that no test can kill because it behaves the same, with the reason."""

    id: Text = Field(description="The mutant's id as `mlscreen exercise mutants` prints it.")
    why: Text


class VisibleExample(Strict):
    """An example the candidate sees and may run."""

    name: Text
    call: Text
    expected: Text


class ExerciseLimits(Strict):
    """Sandbox limits for one exercise; unset values take the grader's defaults."""

    wall_seconds: float | None = Field(default=None, gt=0, le=300)
    cpu_seconds: int | None = Field(default=None, gt=0, le=300)
    memory_mb: int | None = Field(default=None, ge=1024, le=8192)
    output_kb: int | None = Field(default=None, gt=0, le=65536)


class Exercise(Question):
    """A practical coding exercise graded automatically; code lives in sidecar files beside the YAML."""

    type: Literal["exercise"]
    prompt: Text
    entrypoints: list[Text] = Field(min_length=1, description="Names the candidate's module must define.")
    starter: Text = "starter.py"
    reference: Text = "reference.py"
    tests: Text = "tests.py"
    harness: Text | None = Field(default=None, description="Optional non-secret helpers that run in the sandbox.")
    must_fail: list[MustFail] = Field(default_factory=list)
    equivalent_mutants: list[EquivalentMutant] = Field(
        default_factory=list, description="Reviewed surviving mutants of the reference that behave like it."
    )
    visible_examples: list[VisibleExample] = Field(default_factory=list)
    limits: ExerciseLimits = Field(default_factory=ExerciseLimits)
    rubric: Slug = "coding"
    rubric_mapping: dict[Slug, list[Text]] = Field(
        default_factory=dict, description="Rubric category -> test kinds or signals it is computed from."
    )


AnyItem = Annotated[
    Topic
    | Rubric
    | Stage
    | Profile
    | CombinationRule
    | KnowledgeQuestion
    | DesignPrompt
    | PrescreenQuestion
    | Exercise,
    Field(discriminator="type"),
]
ITEM_TYPES: dict[str, type[Item]] = {
    "topic": Topic,
    "rubric": Rubric,
    "stage": Stage,
    "profile": Profile,
    "combination": CombinationRule,
    "knowledge": KnowledgeQuestion,
    "design": DesignPrompt,
    "prescreen": PrescreenQuestion,
    "exercise": Exercise,
}
QUESTION_TYPES: tuple[QuestionType, ...] = ("knowledge", "design", "prescreen", "exercise")
