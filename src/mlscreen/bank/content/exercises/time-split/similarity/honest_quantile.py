import pandas as pd


def time_split(df, *, time_col, valid_size=0.2, gap="0s", group_col=None):
    if valid_size <= 0 or valid_size >= 1:
        raise ValueError("valid_size out of range")
    stamps = pd.to_datetime(df[time_col], errors="coerce")
    known = stamps[stamps.notna()]
    if len(known) == 0:
        return {"train": [], "valid": []}
    n_valid = max(1, int(len(known) * valid_size))
    boundary = sorted(known.tolist())[-n_valid]
    in_valid = (stamps >= boundary).fillna(False)
    in_train = (stamps < boundary - pd.to_timedelta(gap)).fillna(False)
    if group_col:
        held_out = set(df.loc[in_valid.values, group_col])
        in_train = in_train & ~df[group_col].isin(held_out).values
    train_idx = [label for label, keep in zip(df.index, in_train) if keep]
    valid_idx = [label for label, keep in zip(df.index, in_valid) if keep]
    return {"train": train_idx, "valid": valid_idx}
