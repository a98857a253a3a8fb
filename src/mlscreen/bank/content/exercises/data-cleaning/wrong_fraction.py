"""Wrong: reports fractions, not percents."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    return df.isna().mean().astype("float64") if len(df) else pd.Series(0.0, index=df.columns)


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.select_dtypes(include="number").columns:
        median = out[column].median()
        if pd.notna(median):
            out[column] = out[column].fillna(median)
    return out
