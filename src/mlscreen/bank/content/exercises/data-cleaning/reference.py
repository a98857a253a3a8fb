"""Reference solution of the data-cleaning exercise."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    """Return the percent (0-100) of missing values per column, indexed by column name."""
    if len(df) == 0:
        return pd.Series(0.0, index=df.columns, dtype="float64")
    return (df.isna().mean() * 100).astype("float64")


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    """Return a new frame with missing numeric values replaced by the column median; the input is unchanged.

    A nullable integer column (`Int64`) whose median is not a whole number becomes `Float64` so that it can hold
    the exact median; with a whole median it keeps its dtype.
    """
    out = df.copy()
    for column in out.select_dtypes(include="number").columns:
        values = out[column]
        median = values.median()
        if pd.isna(median):
            continue
        if pd.api.types.is_integer_dtype(values.dtype) and not float(median).is_integer():
            values = values.astype("Float64")
        out[column] = values.fillna(median)
    return out
