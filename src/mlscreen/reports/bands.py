"""Reading reliability figures against their published bands."""

from __future__ import annotations

ICC_BANDS = ((0.9, "excellent"), (0.75, "good"), (0.5, "moderate"), (float("-inf"), "poor"))
"""Koo and Li (2016): below .5 poor, .5 to .75 moderate, .75 to .9 good, above .9 excellent."""
ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667
"""Krippendorff: alpha of at least .800 is reliable; .667 to .800 allows tentative conclusions only."""


def icc_band(value: float | None) -> str | None:
    """The Koo and Li band name of an ICC, or None when there is no value."""
    if value is None:
        return None
    return next(name for floor, name in ICC_BANDS if value >= floor)


def alpha_band(value: float | None) -> str | None:
    """ "reliable", "tentative" or "unreliable" for a Krippendorff alpha, or None when there is no value."""
    if value is None:
        return None
    if value >= ALPHA_RELIABLE:
        return "reliable"
    return "tentative" if value >= ALPHA_TENTATIVE else "unreliable"
