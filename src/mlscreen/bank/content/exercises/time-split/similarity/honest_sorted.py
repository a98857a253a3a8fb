"""Time-based validation split."""

import numpy as np
import pandas as pd


def _cutoff(times, fraction):
    values = np.sort(times.dropna().to_numpy())
    take = int(fraction * values.size)
    if take < 1:
        take = 1
    return values[values.size - take]


def time_split(df: pd.DataFrame, *, time_col: str, valid_size: float = 0.2, gap: str = "0s",
               group_col: str | None = None) -> dict:
    if not (0.0 < valid_size < 1.0):
        raise ValueError(f"valid_size={valid_size} is not in (0, 1)")
    when = pd.to_datetime(df[time_col])
    if when.isna().all():
        return {"train": [], "valid": []}
    edge = pd.Timestamp(_cutoff(when, valid_size))
    late = when.ge(edge)
    early = when.lt(edge - pd.Timedelta(gap))
    if group_col is not None:
        blocked = df[group_col][late].unique()
        early = early & ~df[group_col].isin(blocked)
    out = {}
    out["train"] = list(df.index[early.to_numpy(dtype=bool)])
    out["valid"] = list(df.index[late.to_numpy(dtype=bool)])
    return out
