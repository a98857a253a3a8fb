"""Agreement of the automatic advice with people: quadratic weighted kappa, Spearman's rho and the override rate,
per exercise (autograder against interviewers) and per question (answer scoring against the confirmed level)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from mlscreen.reports.tables import LEVELS, Advice


@dataclass(frozen=True)
class ItemAgreement:
    """One exercise or question: pairs behind it, kappa, rho, and the share of advice a person changed."""

    kind: str
    item: str
    pairs: int
    kappa: float | None
    spearman: float | None
    override_rate: float


def quadratic_kappa(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights over the rubric levels; None when it is undefined (no spread)."""
    import numpy as np

    k = len(LEVELS)
    observed = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        observed[LEVELS.index(x), LEVELS.index(y)] += 1
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    i, j = np.indices((k, k))
    weights = (i - j) ** 2 / (k - 1) ** 2
    denominator = float((weights * expected).sum())
    return None if denominator == 0 else 1 - float((weights * observed).sum()) / denominator


def _spearman(a: Sequence[int], b: Sequence[int]) -> float | None:
    from scipy.stats import spearmanr

    if len(set(a)) < 2 or len(set(b)) < 2:
        return None
    return float(spearmanr(a, b).statistic)


def agreement(advice: Sequence[Advice]) -> list[ItemAgreement]:
    """One row per exercise and question, exercises first."""
    items: dict[tuple[str, str], list[Advice]] = defaultdict(list)
    for row in advice:
        items[(row.kind, row.item)].append(row)
    out = []
    for (kind, item), rows in sorted(items.items()):
        advised = [r.advised for r in rows]
        person = [r.person for r in rows]
        out.append(
            ItemAgreement(
                kind=kind,
                item=item,
                pairs=len(rows),
                kappa=quadratic_kappa(advised, person),
                spearman=_spearman(advised, person),
                override_rate=sum(r.overridden for r in rows) / len(rows),
            )
        )
    return out
