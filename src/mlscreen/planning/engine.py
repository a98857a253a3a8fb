"""The rule engine: derives facts, evaluates the rules file in order and builds a `TeamPlan`."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable
from typing import Any

from mlscreen.bank import Bank
from mlscreen.planning.facts import TeamFacts
from mlscreen.planning.plan import (
    Leadership,
    LoopStage,
    MlopsAdvice,
    OrgAdvice,
    Ownership,
    PlanWarning,
    RatioAdvice,
    Reason,
    Signal,
    TeamPlan,
    Wave,
)
from mlscreen.planning.rules import (
    GIVEN_FACTS,
    URGENCY_ORDER,
    AnyOf,
    Clause,
    Condition,
    FactRef,
    Rules,
    Source,
    Urgency,
    load_rules,
)

Values = dict[str, Any]
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
    "in": lambda left, right: left in right,
}
_EPSILON = 1e-9  # keeps floor(6 / 3) at 2 when the division lands a hair below


def derive(facts: TeamFacts) -> Values:
    """Return the given facts flattened (headcount by role) plus the facts derived from them."""
    values: Values = facts.model_dump(exclude={"headcount"}) | facts.headcount.model_dump()
    h = facts.headcount
    share = facts.infra_time_share
    values |= {
        "ml_ds_roles": h.ml_engineers + h.data_scientists,
        "technical_headcount": h.ml_engineers + h.data_scientists + h.data_engineers + h.mlops_engineers,
        "shipping_roles": h.ml_engineers + h.mlops_engineers,
        "production_use_cases": min(facts.use_cases, facts.production_models),
        "spoke_gap": max(0, facts.product_teams - h.ml_engineers),
        "infra_time_share_percent": None if share is None else round(share * 100),
    }
    return values


def holds(condition: Condition, values: Values) -> bool:
    """Return whether a clause holds; a clause about an unknown fact never does."""
    if isinstance(condition, AnyOf):
        return any(holds(c, values) for c in condition.any)
    left = values.get(condition.fact)
    right = values.get(condition.value.fact) if isinstance(condition.value, FactRef) else condition.value
    if left is None or right is None:
        return False
    return _OPS[condition.op](left, right)


def all_hold(conditions: Iterable[Condition], values: Values) -> bool:
    """Return whether every condition holds (true for none)."""
    return all(holds(c, values) for c in conditions)


def _show(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
    return str(value).replace("_", " ") if isinstance(value, str) else str(value)


def fill(text: str, values: Values, **extra: Any) -> str:
    """Return `text` with `{fact}` placeholders replaced by readable values."""
    shown = {k: _show(v) for k, v in values.items()} | {k: str(v) for k, v in extra.items()}
    return " ".join(text.format_map(shown).split())


def _why(rules: Rules, text: str, rule_id: str, source: Source) -> Reason:
    return Reason(text, rule_id, source, rules.sections[source.section])


def _org(rules: Rules, values: Values) -> OrgAdvice:
    for rule in rules.org_rules:
        if not all_hold(rule.when, values):
            continue
        failed = [r for r in rule.requires if not holds(r, values)]
        if failed and rule.fallback is not None and rule.fallback_reason is not None:
            missing = "; and ".join(fill(r.missing, values) for r in failed)
            model, text = rule.fallback, fill(rule.fallback_reason, values, missing=missing)
        else:
            model, text = rule.model, fill(rule.reason, values)
        info = rules.org_models[model]
        reason = _why(rules, text, rule.id, rule.source)
        return OrgAdvice(model, info.title, info.reports_to, info.pros, info.cons, info.watch_for, [reason])
    raise AssertionError("the rules file guarantees a catch-all org rule")


def _mlops(rules: Rules, values: Values) -> MlopsAdvice:
    fired = [
        Signal(s.id, s.urgency, _why(rules, fill(s.reason, values), s.id, s.source))
        for s in rules.mlops.signals
        if all_hold(s.when, values)
    ]
    urgency: Urgency = max((s.urgency for s in fired), key=URGENCY_ORDER.index, default="not_yet")
    if fired:
        reason = f"{len(fired)} signal(s) fired; the most urgent says {urgency.replace('_', ' ')}."
    else:
        reason = fill(rules.mlops.not_yet_reason, values)
    tested: set[str] = {c.fact for s in rules.mlops.signals for c in s.when if isinstance(c, Clause)}
    unknown = sorted(f for f in tested if f in GIVEN_FACTS and values.get(f) is None)
    return MlopsAdvice(urgency, fired, reason, values["mlops_engineers"], unknown)


def _ratios(rules: Rules, values: Values) -> RatioAdvice:
    r = rules.ratios
    stage, roles, data = values["stage"], values["ml_ds_roles"], values["data_engineers"]
    per = roles / data if data else None
    band = r.bands.get(stage)
    if band is None:
        reason = _why(rules, fill(r.texts.no_band, values), r.id, r.source_no_band)
        return RatioAdvice(stage, data, roles, per, None, None, "no_band", False, reason)
    lo, hi = band.min_roles_per_data_engineer, band.max_roles_per_data_engineer
    expected = {"min": math.floor(roles / hi + _EPSILON), "max": math.ceil(roles / lo - _EPSILON)}
    if roles == 0:
        status, text = "no_roles", r.texts.no_roles
    elif data < expected["min"]:
        status, text = "too_few", r.texts.too_few
    elif data > expected["max"]:
        status, text = "too_many", r.texts.too_many
    else:
        status, text = "ok", r.texts.ok
    reason = _why(rules, fill(text, values, band=f"{_show(lo)}-{_show(hi)}"), r.id, band.source)
    limits = {"min_roles_per_data_engineer": lo, "max_roles_per_data_engineer": hi}
    flagged = status in ("too_few", "too_many")
    return RatioAdvice(stage, data, roles, per, limits, expected, status, flagged, reason)


def _waves(rules: Rules, values: Values, bank: Bank | None) -> list[Wave]:
    waves: dict[str, Wave] = {}
    for hire in sorted(rules.hires, key=lambda h: h.priority):
        if not all_hold(hire.when, values):
            continue
        count = values[hire.count.fact] if isinstance(hire.count, FactRef) else hire.count
        if not count or count < 1:
            continue
        reason = _why(rules, fill(hire.why, values), hire.id, hire.source)
        if hire.role in waves:
            wave = waves[hire.role]
            wave.count = max(wave.count, count)
            wave.reasons.append(reason)
            continue
        info = rules.roles[hire.role]
        waves[hire.role] = Wave(len(waves) + 1, hire.role, info.title, count, [reason], info.profile)
    for wave in waves.values():
        if wave.profile is None:
            wave.profile_note = rules.no_profile_note
            continue
        if bank is None:
            from mlscreen.bank import load_bank

            bank = load_bank()
        wave.profile_title = bank.get(wave.profile).title
        for entry in bank.loop(wave.profile):
            st = entry.stage
            minutes = (
                f"{st.duration_min}-{st.duration_max}" if st.duration_min != st.duration_max else f"{st.duration_min}"
            )
            wave.loop.append(LoopStage(st.id, st.title, st.interviewer_role, minutes))
    return list(waves.values())


def plan_team(facts: TeamFacts, *, rules: Rules | None = None, bank: Bank | None = None) -> TeamPlan:
    """Return the plan the rules give for `facts` (packaged rules and bank by default).

    Raises `RulesError` if the packaged rules are invalid, `BankError` if the bank is, and `NotFoundError`
    if a role's profile is not in the bank.
    """
    rules = rules if rules is not None else load_rules()
    values = derive(facts)
    org = _org(rules, values)
    values["org_model"] = org.model
    mlops = _mlops(rules, values)
    values["mlops_urgency"] = mlops.urgency
    ratios = _ratios(rules, values)
    values["ratio_status"] = ratios.status
    values["data_engineer_gap"] = max(0, (ratios.expected_data_engineers or {}).get("min", 0) - ratios.data_engineers)
    warnings = [
        PlanWarning(w.id, w.kind, _why(rules, fill(w.text, values), w.id, w.source))
        for w in rules.warnings
        if all_hold(w.when, values)
    ]
    leadership = []
    for lead in rules.leadership:
        info = rules.roles[lead.role]
        present = bool(values[lead.fact])
        text = f"{info.title}: {'in post' if present else 'not in post'}. The role: {info.owns}"
        leadership.append(
            Leadership(
                lead.role,
                info.title,
                info.owns,
                present,
                _why(rules, text, "leadership-" + lead.role.replace("_", "-"), lead.source),
            )
        )
    ownership = [Ownership(o.team, o.owns, o.source) for o in rules.ownership]
    waves = _waves(rules, values, bank)
    return TeamPlan(facts, org, ownership, leadership, ratios, mlops, warnings, waves, rules.version)
