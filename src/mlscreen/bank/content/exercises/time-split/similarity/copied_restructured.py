import pandas as pd


def _check(valid_size):
    if not 0 < valid_size < 1:
        raise ValueError("valid_size has to be in (0, 1)")


def _labels(df, mask):
    return df.index[mask.to_numpy()].tolist()


def time_split(df, *, time_col, valid_size=0.2, gap="0s", group_col=None):
    _check(valid_size)
    ts = pd.to_datetime(df[time_col])
    seen = ts.dropna()
    if seen.empty:
        return {"train": [], "valid": []}
    cut = seen.sort_values(kind="mergesort").iloc[len(seen) - max(1, int(valid_size * len(seen)))]
    is_valid = ts >= cut
    is_train = ts < cut - pd.Timedelta(gap)
    if group_col is not None:
        is_train &= ~df[group_col].isin(df.loc[is_valid, group_col])
    return {"train": _labels(df, is_train), "valid": _labels(df, is_valid)}
