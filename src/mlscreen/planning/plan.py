"""A team plan: the advice the rules produced, each piece with its reason and the rule that fired."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mlscreen.planning.facts import TeamFacts
from mlscreen.planning.rules import OrgModel, Source, Urgency
from mlscreen.types import JSONObject


@dataclass(frozen=True)
class Reason:
    """Why a piece of advice was given: the text, the rule that fired and where the rule comes from."""

    text: str
    rule: str
    source: Source
    section: str

    def to_json(self) -> JSONObject:
        """Return the reason as a JSON object; `source.title` names the framework section."""
        source = {"title": self.section, **self.source.model_dump(exclude_none=True)}
        return {"text": self.text, "rule": self.rule, "source": source}


@dataclass(frozen=True)
class OrgAdvice:
    """The recommended org model with its trade-offs."""

    model: OrgModel
    title: str
    reports_to: str
    pros: list[str]
    cons: list[str]
    watch_for: str
    reasons: list[Reason]


@dataclass(frozen=True)
class Ownership:
    """Which team owns what part of the ML life cycle."""

    team: str
    owns: str
    source: Source


@dataclass(frozen=True)
class Leadership:
    """A leadership role and whether it is filled."""

    role: str
    title: str
    owns: str
    present: bool
    reason: Reason


@dataclass(frozen=True)
class RatioAdvice:
    """Data engineers against ML/DS roles, checked against the stage's benchmark."""

    stage: str
    data_engineers: int
    ml_ds_roles: int
    roles_per_data_engineer: float | None
    band: dict[str, float] | None
    expected_data_engineers: dict[str, int] | None
    status: str
    flagged: bool
    reason: Reason


@dataclass(frozen=True)
class Signal:
    """A fired signal that the first MLOps / platform hire is due."""

    id: str
    urgency: Urgency
    reason: Reason


@dataclass(frozen=True)
class MlopsAdvice:
    """How urgent the first MLOps / platform hire is, with every signal that fired."""

    urgency: Urgency
    signals: list[Signal]
    reason: str
    mlops_engineers: int
    unknown_facts: list[str]


@dataclass(frozen=True)
class PlanWarning:
    """An anti-pattern or org-model failure spotted in the facts."""

    id: str
    kind: str
    reason: Reason


@dataclass(frozen=True)
class LoopStage:
    """One stage of the screening loop a hire goes through."""

    stage: str
    title: str
    interviewer: str
    minutes: str


@dataclass
class Wave:
    """One hire of the plan, linked to its screening profile and loop when the bank has one."""

    order: int
    role: str
    title: str
    count: int
    reasons: list[Reason]
    profile: str | None
    profile_title: str | None = None
    loop: list[LoopStage] = field(default_factory=list)
    profile_note: str | None = None

    @property
    def why(self) -> str:
        """Return the reasons as one sentence-separated text."""
        return " ".join(r.text for r in self.reasons)


@dataclass(frozen=True)
class TeamPlan:
    """Everything the planner recommends for one set of facts."""

    facts: TeamFacts
    org: OrgAdvice
    ownership: list[Ownership]
    leadership: list[Leadership]
    ratios: RatioAdvice
    mlops: MlopsAdvice
    warnings: list[PlanWarning]
    waves: list[Wave]
    rules_version: int

    def to_json(self) -> JSONObject:
        """Return the plan in the `mlscreen plan-team --json` contract (extra keys beyond it are documented)."""
        org = self.org
        ratio = self.ratios
        return {
            "org_model": org.model,
            "org": {
                "model": org.model,
                "title": org.title,
                "reports_to": org.reports_to,
                "pros": org.pros,
                "cons": org.cons,
                "watch_for": org.watch_for,
                "reasons": [r.to_json() for r in org.reasons],
            },
            "ownership": [
                {"team": o.team, "owns": o.owns, "source": o.source.model_dump(exclude_none=True)}
                for o in self.ownership
            ],
            "leadership": [
                {"role": x.role, "title": x.title, "owns": x.owns, "present": x.present, "reason": x.reason.to_json()}
                for x in self.leadership
            ],
            "mlops_hire": {
                "urgency": self.mlops.urgency,
                "signals": [{"id": s.id, "urgency": s.urgency, **s.reason.to_json()} for s in self.mlops.signals],
                "reason": self.mlops.reason,
                "mlops_engineers": self.mlops.mlops_engineers,
                "unknown_facts": self.mlops.unknown_facts,
            },
            "ratios": {
                "stage": ratio.stage,
                "data_engineers": ratio.data_engineers,
                "ml_ds_roles": ratio.ml_ds_roles,
                "roles_per_data_engineer": ratio.roles_per_data_engineer,
                "band": ratio.band,
                "expected_data_engineers": ratio.expected_data_engineers,
                "status": ratio.status,
                "flagged": ratio.flagged,
                "reason": ratio.reason.to_json(),
            },
            "warnings": [{"id": w.id, "kind": w.kind, **w.reason.to_json()} for w in self.warnings],
            "waves": [_wave_json(w) for w in self.waves],
            "facts": self.facts.model_dump(mode="json"),
            "rules_version": self.rules_version,
        }


def _wave_json(wave: Wave) -> dict[str, Any]:
    return {
        "order": wave.order,
        "role": wave.role,
        "title": wave.title,
        "count": wave.count,
        "why": wave.why,
        "reasons": [r.to_json() for r in wave.reasons],
        "profile": wave.profile,
        "profile_title": wave.profile_title,
        "loop": [asdict(s) for s in wave.loop],
        "profile_note": wave.profile_note,
    }
