"""Split time-stamped rows into training and validation sets without leaking the future."""

import pandas as pd


def time_split(df: pd.DataFrame, *, time_col: str, valid_size: float = 0.2, gap: str = "0s",
               group_col: str | None = None) -> dict:
    """Return {"train": [index labels], "valid": [index labels]}."""
    raise NotImplementedError
