"""Predictive data cleaning: report and impute missing values."""

import pandas as pd


def missing_report(df: pd.DataFrame) -> pd.Series:
    """Return the percent (0-100) of missing values per column, indexed by column name."""
    raise NotImplementedError


def impute_median(df: pd.DataFrame) -> pd.DataFrame:
    """Return a new frame with missing numeric values replaced by the column median; the input is unchanged."""
    raise NotImplementedError
