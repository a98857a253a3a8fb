"""Wrong: cuts the time-sorted rows at a position, so tied timestamps straddle the sets."""

import pandas as pd


def time_split(df: pd.DataFrame, *, time_col: str, valid_size: float = 0.2, gap: str = "0s",
               group_col: str | None = None) -> dict:
    """Return {"train": [index labels], "valid": [index labels]} of a leakage-free time-based split."""
    if not 0 < valid_size < 1:
        raise ValueError("valid_size must be between 0 and 1 (exclusive)")
    times = pd.to_datetime(df[time_col])
    observed = times.dropna()
    if observed.empty:
        return {"train": [], "valid": []}
    ordered = observed.sort_values(kind="mergesort")
    n_valid = max(1, int(valid_size * len(ordered)))
    valid = pd.Series(times.index.isin(ordered.index[len(ordered) - n_valid:]), index=times.index)
    cutoff = ordered.iloc[len(ordered) - n_valid]
    train = times.notna() & ~valid & (times <= cutoff - pd.Timedelta(gap))
    if group_col is not None:
        train &= ~df[group_col].isin(df.loc[valid, group_col])
    return {"train": df.index[train.to_numpy()].tolist(), "valid": df.index[valid.to_numpy()].tolist()}
