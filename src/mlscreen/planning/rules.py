"""The team-planning rules file: pydantic models (unknown fields are errors) and its loader."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Literal, TypeAlias

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mlscreen.datafile import LIMIT_HINT, LimitError, compose_yaml, read_text
from mlscreen.errors import ContentError, MlscreenError
from mlscreen.planning.facts import HEADCOUNT_ROLES, Stage

PACKAGED_RULES = Path(__file__).parent / "rules.yaml"

OrgModel: TypeAlias = Literal["centralized", "hub_and_spoke", "product_embedded"]
Urgency: TypeAlias = Literal["not_yet", "now", "late"]
URGENCY_ORDER: tuple[Urgency, ...] = ("not_yet", "now", "late")
Role: TypeAlias = Literal[
    "head_of_ml", "ml_product_manager", "ml_engineer", "data_scientist", "data_engineer", "mlops_engineer"
]
Op: TypeAlias = Literal["lt", "le", "gt", "ge", "eq", "ne", "in"]
# Facts a rule may test: the given ones, headcount by role, and those the engine derives (docs/team-planning.md).
GIVEN_FACTS: tuple[str, ...] = (
    "use_cases",
    "production_models",
    "product_teams",
    "stage",
    "deployment_lead_time_days",
    "infra_time_share",
    "monitoring_regressions",
    "platform_maturity",
    *HEADCOUNT_ROLES,
)
DERIVED_FACTS: tuple[str, ...] = (
    "ml_ds_roles",
    "technical_headcount",
    "shipping_roles",
    "production_use_cases",
    "spoke_gap",
    "infra_time_share_percent",
    "org_model",
    "mlops_urgency",
    "ratio_status",
    "data_engineer_gap",
)
FactName: TypeAlias = Literal[
    "use_cases",
    "production_models",
    "product_teams",
    "stage",
    "deployment_lead_time_days",
    "infra_time_share",
    "monitoring_regressions",
    "platform_maturity",
    "head_of_ml",
    "ml_product_managers",
    "ml_engineers",
    "data_scientists",
    "data_engineers",
    "mlops_engineers",
    "ml_ds_roles",
    "technical_headcount",
    "shipping_roles",
    "production_use_cases",
    "spoke_gap",
    "infra_time_share_percent",
    "org_model",
    "mlops_urgency",
    "ratio_status",
    "data_engineer_gap",
]
TEMPLATE_EXTRAS = frozenset({"band", "missing"})


class RulesError(MlscreenError):
    """The rules file failed to validate; carries every problem, each located by `path:line`."""

    exit_code = 2

    def __init__(self, problems: list[ContentError]) -> None:
        self.problems = problems
        super().__init__(f"the planning rules have {len(problems)} problem(s):\n" + "\n".join(map(str, problems)))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Strict):
    """Where a rule comes from: a section of the framework, and whether its number is stated or our reading."""

    section: str
    basis: Literal["stated", "interpreted"]
    note: str | None = None

    @model_validator(mode="after")
    def _reading_explained(self) -> Source:
        if self.basis == "interpreted" and not self.note:
            raise ValueError("an interpreted rule needs a `note` saying how the framework was read")
        return self


class FactRef(_Strict):
    """A value taken from another fact."""

    fact: FactName


class Clause(_Strict):
    """`fact op value`; holds only when the fact is known."""

    fact: FactName
    op: Op
    value: FactRef | int | float | str | list[str]

    @model_validator(mode="after")
    def _value_fits_op(self) -> Clause:
        if (self.op == "in") != isinstance(self.value, list):
            raise ValueError("`in` takes a list of words, and only `in` does")
        if self.op in ("lt", "le", "gt", "ge") and isinstance(self.value, str):
            raise ValueError(f"`{self.op}` compares numbers, not {self.value!r}")
        return self


class AnyOf(_Strict):
    """Holds when at least one of its clauses holds."""

    any: list[Clause | AnyOf] = Field(min_length=1)


Condition: TypeAlias = Clause | AnyOf


class Requirement(Clause):
    """A clause an org model needs, with the text saying why when it does not hold."""

    missing: str


class OrgModelInfo(_Strict):
    """What an org model is, its trade-offs and the failure to watch for."""

    title: str
    reports_to: str
    pros: list[str] = Field(min_length=1)
    cons: list[str] = Field(min_length=1)
    watch_for: str


class OrgRule(_Strict):
    """Recommends `model` when `when` holds, or `fallback` when a requirement fails."""

    id: str
    model: OrgModel
    when: list[Condition]
    requires: list[Requirement] = []
    fallback: OrgModel | None = None
    reason: str
    fallback_reason: str | None = None
    source: Source

    @model_validator(mode="after")
    def _fallback_complete(self) -> OrgRule:
        if self.requires and (self.fallback is None or not self.fallback_reason):
            raise ValueError("a rule with `requires` needs `fallback` and `fallback_reason`")
        return self


class RoleInfo(_Strict):
    """A role the planner can recommend, and the bank profile its candidates are screened with (if any)."""

    title: str
    profile: str | None
    owns: str


class OwnershipRule(_Strict):
    """Which team owns what."""

    team: str
    owns: str
    source: Source


class LeadershipRule(_Strict):
    """A leadership role and the headcount fact that says whether it is filled."""

    role: Role
    fact: FactName
    source: Source


class Band(_Strict):
    """ML/DS roles per data engineer that a stage's benchmark allows."""

    min_roles_per_data_engineer: float = Field(gt=0)
    max_roles_per_data_engineer: float = Field(gt=0)
    source: Source

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min_roles_per_data_engineer > self.max_roles_per_data_engineer:
            raise ValueError("min_roles_per_data_engineer is above max_roles_per_data_engineer")
        return self


class RatioTexts(_Strict):
    """The explanation for each outcome of the ratio check."""

    ok: str
    too_few: str
    too_many: str
    no_roles: str
    no_band: str


class RatioRules(_Strict):
    """Data engineers against ML/DS roles, by stage."""

    id: str
    bands: dict[Stage, Band]
    texts: RatioTexts
    source_no_band: Source


class Signal(_Strict):
    """A sign that the first MLOps / platform hire is due (`now`) or overdue (`late`)."""

    id: str
    urgency: Literal["now", "late"]
    when: list[Condition] = Field(min_length=1)
    reason: str
    source: Source


class MlopsRules(_Strict):
    """The first-MLOps-hire signals; urgency is the highest among those that fire."""

    signals: list[Signal] = Field(min_length=1)
    not_yet_reason: str


class WarningRule(_Strict):
    """An anti-pattern or org-model failure spotted from the facts."""

    id: str
    kind: Literal["anti_pattern", "org_model"]
    when: list[Condition] = Field(min_length=1)
    text: str
    source: Source


class HireRule(_Strict):
    """A hire to make when `when` holds; `count` is a number or a fact."""

    id: str
    role: Role
    priority: int
    when: list[Condition] = Field(min_length=1)
    count: FactRef | int
    why: str
    source: Source


class Rules(_Strict):
    """The whole rules file."""

    version: Literal[1]
    sections: dict[str, str]
    roles: dict[Role, RoleInfo]
    org_models: dict[OrgModel, OrgModelInfo]
    org_rules: list[OrgRule] = Field(min_length=1)
    centralization: dict[OrgModel, int]
    ownership: list[OwnershipRule]
    leadership: list[LeadershipRule]
    ratios: RatioRules
    mlops: MlopsRules
    warnings: list[WarningRule]
    hires: list[HireRule]
    no_profile_note: str

    @model_validator(mode="after")
    def _consistent(self) -> Rules:
        problems = []
        for kind, keys in (
            ("role", self.roles),
            ("org model", self.org_models),
            ("centralization", self.centralization),
        ):
            missing = set(_literal_values(OrgModel if kind != "role" else Role)) - set(keys)
            if missing:
                problems.append(f"{kind} entries missing for: {', '.join(sorted(missing))}")
        if self.org_rules[-1].when:
            problems.append("the last org rule must have `when: []` so that every team gets a model")
        ids = [r.id for r in self.org_rules] + [s.id for s in self.mlops.signals] + [self.ratios.id]
        ids += [w.id for w in self.warnings] + [h.id for h in self.hires]
        problems += [f"rule id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
        for source in _sources(self):
            if source.section not in self.sections:
                problems.append(f"unknown source section {source.section!r}; add it under `sections`")
        for text in _templates(self):
            problems += [f"unknown fact {{{n}}} in text {text[:40]!r}" for n in _placeholders(text) - _TEMPLATE_NAMES]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def urgency_rank(self, urgency: Urgency) -> int:
        """Return the position of `urgency` in not_yet < now < late."""
        return URGENCY_ORDER.index(urgency)


_TEMPLATE_NAMES = frozenset(GIVEN_FACTS) | frozenset(DERIVED_FACTS) | TEMPLATE_EXTRAS


def _literal_values(alias: Any) -> tuple[str, ...]:
    return tuple(alias.__args__)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sources(rules: Rules) -> list[Source]:
    groups: list[Any] = [rules.org_rules, rules.ownership, rules.leadership, rules.mlops.signals]
    found = [item.source for group in groups for item in group]
    found += [*(w.source for w in rules.warnings), *(h.source for h in rules.hires)]
    return [*found, *(b.source for b in rules.ratios.bands.values()), rules.ratios.source_no_band]


def _templates(rules: Rules) -> list[str]:
    texts = [r.reason for r in rules.org_rules] + [r.fallback_reason or "" for r in rules.org_rules]
    texts += [q.missing for r in rules.org_rules for q in r.requires]
    texts += [s.reason for s in rules.mlops.signals] + [rules.mlops.not_yet_reason]
    texts += [w.text for w in rules.warnings] + [h.why for h in rules.hires]
    return texts + list(rules.ratios.texts.model_dump().values())


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
    return node.start_mark.line + 1 if node is not None else line


def load_rules(path: Path | None = None) -> Rules:
    """Return the validated rules from `path` (the packaged rules by default).

    Raises `RulesError` listing every problem with `path:line` when the file is unreadable or invalid.
    """
    path = Path(path) if path is not None else PACKAGED_RULES
    try:
        text = read_text(path)
        root = compose_yaml(text)
        data = None if root is None else yaml.SafeLoader("").construct_document(root)
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError([ContentError(str(path), None, None, f"cannot read the file ({exc})")]) from None
    except LimitError as exc:
        raise RulesError([ContentError(str(path), exc.line, None, exc.message, hint=LIMIT_HINT)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError([ContentError(str(path), line, None, f"invalid YAML: {problem}")]) from None
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            name = ".".join(str(p) for p in loc) or None
            problems.append(ContentError(str(path), _line_of(root, loc), name, err["msg"]))
        raise RulesError(problems) from None
