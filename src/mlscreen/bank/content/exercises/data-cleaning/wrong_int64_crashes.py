"""Wrong: fills an Int64 column with its median as is, which raises when the median is not a whole number."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    if len(df) == 0:
        return pd.Series(0.0, index=df.columns, dtype="float64")
    return (df.isna().mean() * 100).astype("float64")


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.select_dtypes(include="number").columns:
        median = out[column].median()
        if pd.notna(median):
            out[column] = out[column].fillna(median)
    return out
