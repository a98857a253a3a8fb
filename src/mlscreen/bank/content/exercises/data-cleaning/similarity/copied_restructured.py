import pandas as pd


def missing_report(frame):
    if len(frame) == 0:
        return pd.Series(0.0, index=frame.columns, dtype="float64")
    return (frame.isna().mean() * 100).astype("float64")


def _impute_one(col):
    med = col.median()
    if pd.isna(med):
        return col
    if pd.api.types.is_integer_dtype(col.dtype) and not float(med).is_integer():
        col = col.astype("Float64")
    return col.fillna(med)


def impute_median(frame):
    result = frame.copy()
    cols = list(result.select_dtypes(include="number").columns)
    i = 0
    while i < len(cols):
        result[cols[i]] = _impute_one(result[cols[i]])
        i += 1
    return result
