"""Missing-value helpers."""
import numpy as np
import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    # share of nulls, as a percentage
    counts = df.isna().sum(axis=0)
    n_rows = df.shape[0]
    if n_rows == 0:
        return counts.astype("float64") * 0.0
    pct = counts / n_rows * 100
    return pct.astype(np.float64)


def _fill(series: pd.Series) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series
    middle = series.median(skipna=True)
    if pd.isna(middle):
        return series
    if pd.api.types.is_integer_dtype(series) and float(middle) % 1 != 0:
        series = series.astype("Float64")
    return series.fillna(middle)


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    return df.apply(_fill)
