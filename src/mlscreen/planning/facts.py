"""The facts a team plan starts from, validated, from a YAML/JSON file and/or flags."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from mlscreen.datafile import LIMIT_HINT, LimitError, load_yaml, loads_json, read_text
from mlscreen.errors import UsageError

Stage: TypeAlias = Literal["early", "growth", "late"]
Maturity: TypeAlias = Literal["low", "medium", "high"]
HEADCOUNT_ROLES: tuple[str, ...] = (
    "head_of_ml",
    "ml_product_managers",
    "ml_engineers",
    "data_scientists",
    "data_engineers",
    "mlops_engineers",
)


def _not_bool(value: Any) -> Any:
    # pydantic turns true/false into 1/0; a yes/no answer to a count is a mistake worth reporting.
    if isinstance(value, bool):
        raise ValueError("expected a number, got true/false")
    return value


Count = Annotated[int, BeforeValidator(_not_bool), Field(ge=0)]
Share = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Headcount(_Strict):
    """People in post today, by role; a role left out counts 0."""

    head_of_ml: Count = Field(default=0, description="heads of ML or directors of ML engineering")
    ml_product_managers: Count = Field(default=0, description="product managers for ML")
    ml_engineers: Count = Field(default=0, description="ML engineers")
    data_scientists: Count = Field(default=0, description="data scientists or applied scientists")
    data_engineers: Count = Field(default=0, description="data engineers")
    mlops_engineers: Count = Field(default=0, description="MLOps or ML platform engineers")


class TeamFacts(_Strict):
    """What the planner knows about a company's ML work; optional facts left out are unknown, not zero."""

    use_cases: Count = Field(description="real ML use cases (a whole number, 0 or more)")
    production_models: Count = Field(description="models in production (a whole number, 0 or more)")
    product_teams: Count = Field(description="product teams using ML (a whole number, 0 or more)")
    stage: Stage = Field(description="company stage: early, growth or late")
    deployment_lead_time_days: Annotated[float, BeforeValidator(_not_bool), Field(ge=0)] | None = Field(
        default=None, description="days from a trained model to production (a number, 0 or more)"
    )
    infra_time_share: Share | None = Field(
        default=None, description="share of ML engineers' time spent on infrastructure, from 0 to 1 (0.6 = 60%)"
    )
    monitoring_regressions: Count | None = Field(
        default=None, description="regressions caused by monitoring gaps last quarter (a whole number)"
    )
    platform_maturity: Maturity | None = Field(default=None, description="ML platform maturity: low, medium or high")
    headcount: Headcount = Field(default_factory=Headcount, description="people in post by role")


def _describe(loc: tuple[int | str, ...]) -> str:
    model: type[BaseModel] = TeamFacts
    for part in loc:
        info = model.model_fields.get(str(part))
        if info is None:
            break
        if part == loc[-1]:
            return info.description or ""
        model = Headcount
    return ""


def _problems(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        name = ".".join(str(p) for p in loc) or "(facts)"
        if err["type"] == "extra_forbidden":
            known = HEADCOUNT_ROLES if loc[:1] == ("headcount",) else tuple(TeamFacts.model_fields)
            lines.append(f"{name}: unknown fact; known ones are {', '.join(known)}")
            continue
        given = f" (got {err['input']!r})" if err["type"] != "missing" else ""
        wanted = _describe(loc)
        lines.append(f"{name}: {err['msg']}{given}" + (f"; expected {wanted}" if wanted else ""))
    return lines


def facts_from(data: Mapping[str, Any], *, origin: str = "the facts") -> TeamFacts:
    """Return validated facts from a mapping; raises `UsageError` naming every bad or missing field."""
    try:
        return TeamFacts.model_validate(dict(data))
    except ValidationError as exc:
        problems = _problems(exc)
        raise UsageError(
            f"{origin} are not valid:\n  " + "\n  ".join(problems),
            hint="fix the named field(s) in the file or give them as flags (e.g. --use-cases 4); "
            "`mlscreen plan-team --help` lists them",
        ) from None


def read_facts_file(path: Path) -> dict[str, Any]:
    """Return the raw mapping in a YAML or JSON facts file; raises `UsageError` if unreadable or malformed."""
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}", hint="give a readable UTF-8 YAML or JSON file") from None
    except LimitError as exc:
        raise UsageError(f"{path}: {exc.message}", hint=LIMIT_HINT) from None
    try:
        data = loads_json(text) if path.suffix.lower() == ".json" else load_yaml(text)
    except LimitError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise UsageError(f"{where}: {exc.message}", hint=LIMIT_HINT) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}", hint="fix the JSON syntax") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise UsageError(f"{where}: invalid YAML: {problem}", hint="fix the YAML syntax") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(
            f"{path}: expected a mapping of facts (use_cases: 4, ...), got a {type(data).__name__}",
            hint="docs/team-planning.md shows an example file",
        )
    return data


def merge_facts(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Return `base` with `overrides` applied; None means not given, and `headcount` merges role by role."""
    merged = dict(base)
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "headcount" and isinstance(value, Mapping):
            current = merged.get("headcount")
            roles = dict(current) if isinstance(current, Mapping) else {}
            roles.update({k: v for k, v in value.items() if v is not None})
            merged["headcount"] = roles
        else:
            merged[key] = value
    return merged


def load_facts(path: Path, *, overrides: Mapping[str, Any] | None = None) -> TeamFacts:
    """Return the facts in a YAML/JSON file, with `overrides` (e.g. from flags) taking precedence.

    Raises `UsageError` naming the file or field when the file is unreadable, malformed or holds bad facts.
    """
    data = merge_facts(read_facts_file(Path(path)), overrides or {})
    return facts_from(data, origin=f"the facts in {path}")
