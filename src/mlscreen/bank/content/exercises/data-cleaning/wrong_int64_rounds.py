"""Wrong: keeps an Int64 column's dtype by rounding its median, so 1.5 silently becomes 2."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    if len(df) == 0:
        return pd.Series(0.0, index=df.columns, dtype="float64")
    return (df.isna().mean() * 100).astype("float64")


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.select_dtypes(include="number").columns:
        median = out[column].median()
        if pd.isna(median):
            continue
        if pd.api.types.is_integer_dtype(out[column].dtype):
            median = round(median)
        out[column] = out[column].fillna(median)
    return out
