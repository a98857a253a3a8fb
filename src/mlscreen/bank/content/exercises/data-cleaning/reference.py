"""Reference solution of the data-cleaning exercise."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    """Return the percent (0-100) of missing values per column, indexed by column name."""
    if len(df) == 0:
        return pd.Series(0.0, index=df.columns, dtype="float64")
    return (df.isna().mean() * 100).astype("float64")


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    """Return a new frame with missing numeric values replaced by the column median; the input is unchanged."""
    out = df.copy()
    for column in out.select_dtypes(include="number").columns:
        median = out[column].median()
        if pd.notna(median):
            out[column] = out[column].fillna(median)
    return out
