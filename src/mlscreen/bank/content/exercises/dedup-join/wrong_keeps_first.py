"""Wrong: keeps the first duplicate in input order instead of the latest."""

import pandas as pd

KEYS = ["user_id", "event"]


def _normalise(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower()


def dedup_events(events: pd.DataFrame) -> pd.DataFrame:
    """Return one row per normalised (user_id, event), the latest by ts, sorted by the keys; input unchanged."""
    out = events.copy()
    for key in KEYS:
        out[key] = _normalise(out[key])
    out = out.dropna(subset=KEYS)
    out = out.drop_duplicates(KEYS, keep="first")
    return out.sort_values(KEYS, kind="mergesort").reset_index(drop=True)


def enrich(events: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """Return the deduplicated events left-joined to the latest row of each user; one row per event."""
    dim = users.copy()
    dim["user_id"] = _normalise(dim["user_id"])
    dim = dim.dropna(subset=["user_id"])
    dim = dim.sort_values("updated_at", kind="mergesort", na_position="first").drop_duplicates("user_id", keep="last")
    for column in dim.columns:
        if pd.api.types.is_integer_dtype(dim[column]):
            dim[column] = dim[column].astype("Int64")
    return dedup_events(events).merge(dim, on="user_id", how="left", validate="many_to_one")
