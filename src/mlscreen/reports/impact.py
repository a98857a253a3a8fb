"""Adverse impact per stage and group: selection rates and impact ratios against the highest-rate group (the
four-fifths rule, 29 CFR 1607.4(D)), NYC Local Law 144's scoring rates, a Fisher exact test beside each ratio, and
groups below a minimum size suppressed."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mlscreen.reports.tables import Identity, StageScore, StageVisit

MIN_GROUP = 5
"""Groups with fewer candidates than this are suppressed (their figures could point at a person)."""
FOUR_FIFTHS = 0.8
NOT_SAID = "not_said"
SMALL_GROUPS = "small groups (suppressed)"
"""The one row that stands for every suppressed group of a stage and dimension: their names are never shown, so
no report reveals that a group of one or two people took part."""


@dataclass(frozen=True)
class GroupRate:
    """One group at one stage: how many were decided, how many selected (or scored above the median), the rate,
    the ratio to the highest-rate group, Fisher's exact p against that group; figures are None when suppressed."""

    stage: str
    dimension: str
    group: str
    total: int
    selected: int | None
    rate: float | None
    impact_ratio: float | None
    p_value: float | None
    suppressed: bool
    below_four_fifths: bool


def _sex(i: Identity) -> str:
    return i.sex or NOT_SAID


def _race(i: Identity) -> str:
    return i.race or NOT_SAID


def _both(i: Identity) -> str:
    return f"{_sex(i)} / {_race(i)}"


DIMENSIONS: dict[str, Callable[[Identity], str]] = {"sex": _sex, "race": _race, "sex_race": _both}


def rates(stage: str, dimension: str, counts: dict[str, tuple[int, int]], min_group: int) -> list[GroupRate]:
    """Rates and impact ratios of groups given as {group: (selected, total)}. Groups smaller than `min_group` are
    suppressed: they take no part as the reference, and they are reported together as one `SMALL_GROUPS` row
    with their combined count and no figures. "Prefer not to say" is reported but is never the reference group."""
    from scipy.stats import fisher_exact

    shown = {g: c for g, c in counts.items() if c[1] >= min_group}
    candidates = {g: s / t for g, (s, t) in shown.items() if g != NOT_SAID and not g.startswith(f"{NOT_SAID} ")}
    reference = max(candidates, key=lambda g: (candidates[g], g)) if candidates else None
    best = candidates[reference] if reference else 0.0
    out = []
    for group, (selected, total) in sorted(shown.items()):
        rate = selected / total
        ratio = rate / best if reference and best > 0 else None
        p = None
        if reference and group != reference:
            ref_sel, ref_total = counts[reference]
            table = [[selected, total - selected], [ref_sel, ref_total - ref_sel]]
            p = float(fisher_exact(table).pvalue)
        flag = ratio is not None and ratio < FOUR_FIFTHS
        out.append(GroupRate(stage, dimension, group, total, selected, rate, ratio, p, False, flag))
    small = sum(total for _selected, total in counts.values()) - sum(total for _selected, total in shown.values())
    if small:
        out.append(GroupRate(stage, dimension, SMALL_GROUPS, small, None, None, None, None, True, False))
    return out


def selection(
    visits: Sequence[StageVisit], identities: Sequence[Identity], *, min_group: int = MIN_GROUP
) -> list[GroupRate]:
    """Per stage and group: the share of decided candidates (passed or exited; still-open visits do not count)
    who passed. Candidates without a self-identification count as "not_said"."""
    who = {i.candidate: i for i in identities}
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    order: dict[str, int] = {}
    for v in visits:
        if v.outcome not in ("passed", "exited"):
            continue
        order.setdefault(v.stage, v.position)
        identity = who.get(v.candidate, Identity(v.candidate))
        for name, label in DIMENSIONS.items():
            cell = counts[(v.stage, name)][label(identity)]
            cell[0] += v.outcome == "passed"
            cell[1] += 1
    return _collect(counts, order, min_group)


def scoring(
    scores: Sequence[StageScore], identities: Sequence[Identity], *, min_group: int = MIN_GROUP
) -> list[GroupRate]:
    """NYC Local Law 144's scoring rate per scored stage and group: the share scoring above the stage's median."""
    who = {i.candidate: i for i in identities}
    by_stage: dict[str, list[StageScore]] = defaultdict(list)
    for s in scores:
        by_stage[s.stage].append(s)
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    order = {stage: i for i, stage in enumerate(by_stage)}
    for stage, rows in by_stage.items():
        median = statistics.median(s.score for s in rows)
        for s in rows:
            identity = who.get(s.candidate, Identity(s.candidate))
            for name, label in DIMENSIONS.items():
                cell = counts[(stage, name)][label(identity)]
                cell[0] += s.score > median
                cell[1] += 1
    return _collect(counts, order, min_group)


def _collect(
    counts: dict[tuple[str, str], dict[str, list[int]]], order: dict[str, int], min_group: int
) -> list[GroupRate]:
    out: list[GroupRate] = []
    for stage, dimension in sorted(counts, key=lambda key: (order[key[0]], list(DIMENSIONS).index(key[1]))):
        cells = counts[(stage, dimension)]
        out.extend(rates(stage, dimension, {g: (c[0], c[1]) for g, c in cells.items()}, min_group))
    return out
