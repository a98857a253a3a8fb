import pandas as pd


def dedup_events(events):
    out = events.copy()
    out["user_id"] = out["user_id"].str.strip().str.lower()
    out["event"] = out["event"].str.strip().str.lower()
    out = out.dropna(subset=["user_id", "event"])
    out = out.sort_values("ts", kind="mergesort", na_position="first").drop_duplicates(["user_id", "event"], keep="last")
    return out.sort_values(["user_id", "event"], kind="mergesort").reset_index(drop=True)


def _latest_users(users):
    dim = users.copy()
    dim["user_id"] = dim["user_id"].str.strip().str.lower()
    dim = dim.dropna(subset=["user_id"])
    return dim.sort_values("updated_at", kind="mergesort", na_position="first").drop_duplicates("user_id", keep="last")


def enrich(events, users):
    dim = _latest_users(users)
    columns = list(dim.columns)
    while columns:
        column = columns.pop()
        if pd.api.types.is_integer_dtype(dim[column]):
            dim[column] = dim[column].astype("Int64")
    return dedup_events(events).merge(dim, on="user_id", how="left", validate="many_to_one")
