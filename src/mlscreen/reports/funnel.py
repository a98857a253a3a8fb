"""The funnel: candidates per stage, pass-through rates, time in stage (median and 90th percentile, in days) and
exits per stage by reason."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from mlscreen.reports.tables import StageVisit


@dataclass(frozen=True)
class FunnelStage:
    """One stage: entered, passed, exited, still in it; pass-through among those decided; days spent there by
    those who left it; exits by reason."""

    position: int
    stage: str
    entered: int
    passed: int
    exited: int
    open: int
    pass_rate: float | None
    days_median: float | None
    days_p90: float | None
    exits_by_reason: dict[str, int]


def _p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def funnel(visits: Sequence[StageVisit]) -> list[FunnelStage]:
    """One row per stage in stage order. Time in stage counts visits that ended (open ones are censored and left
    out, so early days of a new opening understate it)."""
    by_stage: dict[tuple[int, str], list[StageVisit]] = defaultdict(list)
    for v in visits:
        by_stage[(v.position, v.stage)].append(v)
    out = []
    for (position, stage), rows in sorted(by_stage.items()):
        passed = sum(v.outcome == "passed" for v in rows)
        exited = sum(v.outcome == "exited" for v in rows)
        days = sorted((v.left_at - v.entered_at).total_seconds() / 86400 for v in rows if v.left_at is not None)
        reasons = Counter(v.reason or "unspecified" for v in rows if v.outcome == "exited")
        out.append(
            FunnelStage(
                position=position,
                stage=stage,
                entered=len(rows),
                passed=passed,
                exited=exited,
                open=len(rows) - passed - exited,
                pass_rate=passed / (passed + exited) if passed + exited else None,
                days_median=statistics.median(days) if days else None,
                days_p90=_p90(days) if days else None,
                exits_by_reason=dict(sorted(reasons.items())),
            )
        )
    return out
