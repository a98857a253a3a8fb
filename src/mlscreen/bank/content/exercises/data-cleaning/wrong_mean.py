"""Wrong: imputes the mean."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    return (df.isna().mean() * 100).astype("float64") if len(df) else pd.Series(0.0, index=df.columns)


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for column in out.select_dtypes(include="number").columns:
        mean = out[column].mean()
        if pd.notna(mean):
            out[column] = out[column].fillna(mean)
    return out
