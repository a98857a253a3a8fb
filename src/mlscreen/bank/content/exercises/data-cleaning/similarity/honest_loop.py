import pandas as pd


def missing_report(df):
    result = {}
    total = len(df)
    for name in df.columns:
        gaps = int(df[name].isnull().sum())
        result[name] = 100.0 * gaps / total if total else 0.0
    return pd.Series(result, index=df.columns, dtype=float)


def impute_median(df):
    filled = df.copy(deep=True)
    numeric = [c for c in filled.columns if pd.api.types.is_numeric_dtype(filled[c])]
    for c in numeric:
        med = filled[c].dropna().median()
        if med is None or pd.isna(med):
            continue
        col = filled[c]
        if str(col.dtype) == "Int64" and med != int(med):
            col = col.astype("Float64")
        filled[c] = col.fillna(med)
    return filled
