"""Wrong: rejects a bad valid_size with assert (AssertionError, and nothing at all under python -O)."""

import pandas as pd


def time_split(df: pd.DataFrame, *, time_col: str, valid_size: float = 0.2, gap: str = "0s",
               group_col: str | None = None) -> dict:
    """Return {"train": [index labels], "valid": [index labels]} of a leakage-free time-based split."""
    assert 0 < valid_size < 1, "valid_size must be between 0 and 1 (exclusive)"
    times = pd.to_datetime(df[time_col])
    observed = times.dropna()
    if observed.empty:
        return {"train": [], "valid": []}
    ordered = observed.sort_values(kind="mergesort")
    cutoff = ordered.iloc[len(ordered) - max(1, int(valid_size * len(ordered)))]
    valid = times >= cutoff
    train = times < cutoff - pd.Timedelta(gap)
    if group_col is not None:
        train &= ~df[group_col].isin(df.loc[valid, group_col])
    return {"train": df.index[train.to_numpy()].tolist(), "valid": df.index[valid.to_numpy()].tolist()}
