import pandas as pd


def clean_key(s):
    return s.astype("string").str.strip().str.lower()


def dedup_events(events):
    df = events.copy()
    df["user_id"] = clean_key(df["user_id"])
    df["event"] = clean_key(df["event"])
    df = df[df["user_id"].notna() & df["event"].notna()]
    df = df.sort_values(by="ts", kind="stable", na_position="first")
    latest = df.groupby(["user_id", "event"], sort=True, as_index=False).tail(1)
    return latest.sort_values(["user_id", "event"], kind="stable").reset_index(drop=True)


def enrich(events, users):
    people = users.copy()
    people["user_id"] = clean_key(people["user_id"])
    people = people[people["user_id"].notna()]
    people = people.sort_values("updated_at", kind="stable", na_position="first")
    people = people.groupby("user_id").tail(1)
    for name, dtype in people.dtypes.items():
        if pd.api.types.is_integer_dtype(dtype):
            people[name] = people[name].astype("Int64")
    joined = pd.merge(dedup_events(events), people, how="left", on="user_id")
    assert len(joined) == len(dedup_events(events))
    return joined
