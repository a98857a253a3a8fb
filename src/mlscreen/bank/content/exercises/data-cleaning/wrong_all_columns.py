"""Wrong: coerces every column to numbers before imputing."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    return (df.isna().mean() * 100).astype("float64") if len(df) else pd.Series(0.0, index=df.columns)


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    out = df.apply(pd.to_numeric, errors="coerce")
    return out.fillna(out.median())
