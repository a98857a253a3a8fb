"""Event deduplication and user enrichment."""
import pandas as pd

KEY_COLUMNS = ("user_id", "event")


def _norm(column: pd.Series) -> pd.Series:
    return column.map(lambda v: v.strip().lower() if isinstance(v, str) else None)


def dedup_events(events: pd.DataFrame) -> pd.DataFrame:
    frame = events.assign(user_id=_norm(events["user_id"]), event=_norm(events["event"]))
    frame = frame.dropna(subset=list(KEY_COLUMNS))
    ordered = frame.sort_values("ts", kind="mergesort", na_position="first")
    keep = ~ordered.duplicated(subset=list(KEY_COLUMNS), keep="last")
    result = ordered.loc[keep]
    result = result.sort_values(list(KEY_COLUMNS), kind="mergesort")
    return result.reset_index(drop=True)


def enrich(events: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    base = dedup_events(events)
    table = users.assign(user_id=_norm(users["user_id"])).dropna(subset=["user_id"])
    table = table.sort_values("updated_at", kind="mergesort", na_position="first")
    table = table[~table.duplicated("user_id", keep="last")]
    ints = [c for c in table.columns if pd.api.types.is_integer_dtype(table[c].dtype)]
    table = table.astype({c: "Int64" for c in ints})
    merged = base.merge(table, how="left", on="user_id")
    return merged
