"""Warm-up work on trusted data, so a job does not pay for first-use costs (lazy imports, copy-on-write faults).

The fork-server runs it once before it forks (lazy imports and caches then live in the shared parent), and each
spare child runs it again while it waits for its job (the pages a job will write are copied ahead of time).
Nothing from a submission is involved: the data is built here.
"""

from __future__ import annotations

import contextlib
import json

from . import codec


def exercise() -> None:
    """Run common numpy/pandas operations and a codec round trip on a small built-in frame; never raises."""
    with contextlib.suppress(Exception):
        _exercise()


def _exercise() -> None:
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    frame = pd.DataFrame(
        {
            "f": [1.5, np.nan, 3.0, 4.0],
            "i": [1, 2, 3, 4],
            "s": ["a", None, "c", "d"],
            "n": pd.array([1, pd.NA, 3, 4], dtype="Int64"),
            "g": pd.array([0.5, pd.NA, 1.5, 2.0], dtype="Float64"),
            "b": [True, False, True, False],
        }
    )
    out = frame.copy()
    for column in out.select_dtypes(include="number").columns:
        out[column] = out[column].fillna(out[column].median())
    report = (frame.isna().mean() * 100).astype("float64")
    values = frame["f"].to_numpy()
    float(np.nanmean(values) + np.nanstd(values) + np.sum(values[np.isfinite(values)]))
    for value in (frame, out, report, values, frame.index, frame["n"], [1, "x", None, (2.0, float("nan"))]):
        payload = json.loads(json.dumps(codec.encode(value), separators=(",", ":")))
        codec.decode(payload)
