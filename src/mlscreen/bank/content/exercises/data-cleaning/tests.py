"""Hidden tests of the data-cleaning exercise; they run in the supervisor and call the submission in the sandbox."""

import numpy as np
import pandas as pd

from mlscreen.grader import Call, check


def _build_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [25.0, np.nan, 40.0, 31.0, np.nan, 58.0],
            "income": [50_000, 62_000, 58_000, 71_000, 49_000, 90_000],
            "city": ["Oslo", None, "Lima", "Pune", "Oslo", None],
            "score": [0.5, 0.7, np.nan, np.nan, np.nan, 0.1],
        }
    )


# Inputs are built once per process: the checks only read them (the submission gets its own copy in the sandbox).
_FRAME = _build_frame()
_ALL_MISSING = pd.DataFrame({"x": [np.nan, np.nan, np.nan], "y": [1.0, np.nan, 3.0]})
_EMPTY = pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype="object")})
_ONE_ROW = pd.DataFrame({"a": [np.nan], "b": ["x"]})
_NULLABLE = pd.DataFrame(
    {
        "n": pd.array([1, pd.NA, 3, 8], dtype="Int64"),  # odd count of observed values: median 3
        "even": pd.array([1, pd.NA, 3, pd.NA], dtype="Int64"),  # even count, whole median 2
        "f": pd.array([0.5, 1.5, pd.NA, pd.NA], dtype="Float64"),  # even count: median 1.0
        "odd": pd.array([0.5, pd.NA, 4.0, 2.5], dtype="Float64"),  # odd count: median 2.5
    }
)
# Int64 columns whose median is not a whole number (1.5 and 5.5), next to one whose even count gives a whole 4.
_FRACTIONAL = pd.DataFrame(
    {
        "pair": pd.array([1, pd.NA, 2, pd.NA, pd.NA, pd.NA], dtype="Int64"),
        "four": pd.array([4, pd.NA, 7, 10, 1, pd.NA], dtype="Int64"),
        "whole": pd.array([1, pd.NA, 3, pd.NA, 5, 7], dtype="Int64"),
    }
)
_NULLABLE_EMPTY = pd.DataFrame(
    {
        "i": pd.array([pd.NA] * 3, dtype="Int64"),
        "f": pd.array([pd.NA] * 3, dtype="Float64"),
        "k": pd.array([1, 2, 3], dtype="Int64"),
    }
)


def _frame() -> pd.DataFrame:
    return _FRAME


def _floats(series: object) -> np.ndarray:
    """Return a returned Series' values as floats, missing values as NaN (anything else fails the check)."""
    assert isinstance(series, pd.Series)
    return series.to_numpy(dtype=float, na_value=np.nan)


def _close(actual: np.ndarray, expected: object) -> bool:
    """np.allclose with its default tolerances (NaN never matches), without its overhead on small arrays."""
    expected = np.asarray(expected, dtype=float)
    return actual.shape == expected.shape and bool(np.all(np.abs(actual - expected) <= 1e-8 + 1e-5 * np.abs(expected)))


@check(id="percent-missing", kind="core", message="missing_report must give the percent (0-100) of missing values "
       "of each column, as floats indexed by column name in the frame's column order.")
def percent_missing(sub):
    out = sub.call("missing_report", _frame())
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["age", "income", "city", "score"]
    assert _close(_floats(out), [100 * 2 / 6, 0.0, 100 * 2 / 6, 50.0])


@check(id="median-imputed", kind="core", message="impute_median must replace the missing values of each numeric "
       "column with that column's median.")
def median_imputed(sub):
    out = sub.call("impute_median", _frame())
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["age", "income", "city", "score"]
    assert _close(_floats(out["age"]), [25.0, 35.5, 40.0, 31.0, 35.5, 58.0])
    assert _close(_floats(out["score"]), [0.5, 0.7, 0.5, 0.5, 0.5, 0.1])
    assert _close(_floats(out["income"]), [50_000, 62_000, 58_000, 71_000, 49_000, 90_000])


@check(id="input-unchanged", kind="core", message="impute_median must return a new frame and leave its input "
       "unchanged.")
def input_unchanged(sub):
    original = _frame()
    outcome = sub.call_full("impute_median", original)
    (after,) = outcome.args
    pd.testing.assert_frame_equal(after, original, check_dtype=False, check_column_type=False)


@check(id="non-numeric-untouched", kind="core", message="impute_median must leave non-numeric columns exactly as "
       "they were, gaps included.")
def non_numeric_untouched(sub):
    out = sub.call("impute_median", _frame())
    assert isinstance(out, pd.DataFrame)
    city = out["city"].tolist()
    assert city[0] == "Oslo" and city[2] == "Lima" and city[3] == "Pune" and city[4] == "Oslo"
    assert pd.isna(city[1]) and pd.isna(city[5])


@check(id="all-missing-column", kind="edge", message="A numeric column with no observed value must stay missing "
       "(and be reported as 100% missing).")
def all_missing_column(sub):
    frame = _ALL_MISSING
    report, out = sub.batch([Call("missing_report", (frame,)), Call("impute_median", (frame,))])
    assert _close(_floats(report), [100.0, 100 / 3])
    assert isinstance(out, pd.DataFrame)
    assert out["x"].isna().all()
    assert _close(_floats(out["y"]), [1.0, 2.0, 3.0])


@check(id="empty-frame", kind="edge", message="Both functions must accept an empty frame (columns but no rows) "
       "and a frame of one row.")
def empty_frame(sub):
    frame = _EMPTY
    report, out, single = sub.batch(
        [Call("missing_report", (frame,)), Call("impute_median", (frame,)), Call("missing_report", (_ONE_ROW,))]
    )
    assert _close(_floats(single), [100.0, 0.0])
    assert isinstance(report, pd.Series)
    assert list(report.index) == ["a", "b"]
    assert all(v == 0 or pd.isna(v) for v in report.tolist())
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b"] and len(out) == 0


@check(id="nullable-dtypes", kind="edge", message="Nullable dtypes (Int64, Float64 with pd.NA) must be reported "
       "and imputed like the classic ones, keeping their dtype when the median fits it.")
def nullable_dtypes(sub):
    frame = _NULLABLE
    report, out = sub.batch([Call("missing_report", (frame,)), Call("impute_median", (frame,))])
    assert _close(_floats(report), [25.0, 50.0, 50.0, 25.0])
    assert isinstance(out, pd.DataFrame)
    assert _close(_floats(out["n"]), [1, 3, 3, 8])
    assert _close(_floats(out["even"]), [1, 2, 3, 2])
    assert _close(_floats(out["f"]), [0.5, 1.5, 1.0, 1.0])
    assert _close(_floats(out["odd"]), [0.5, 2.5, 4.0, 2.5])
    assert [str(out[c].dtype) for c in ("n", "even", "f", "odd")] == ["Int64", "Int64", "Float64", "Float64"]


@check(id="int64-fractional-median", kind="edge", message="An Int64 column whose median is not a whole number must "
       "be filled with the exact median (no rounding), as a Float64 column.")
def int64_fractional_median(sub):
    out = sub.call("impute_median", _FRACTIONAL)
    assert isinstance(out, pd.DataFrame)
    assert _close(_floats(out["pair"]), [1.0, 1.5, 2.0, 1.5, 1.5, 1.5])
    assert _close(_floats(out["four"]), [4.0, 5.5, 7.0, 10.0, 1.0, 5.5])
    assert str(out["pair"].dtype) == "Float64" and str(out["four"].dtype) == "Float64"
    assert _close(_floats(out["whole"]), [1, 4, 3, 4, 5, 7])
    assert str(out["whole"].dtype) == "Int64"


@check(id="nullable-all-missing", kind="edge", message="A nullable (Int64 or Float64) column with no observed value "
       "must stay missing, keep its dtype, and be reported as 100% missing.")
def nullable_all_missing(sub):
    frame = _NULLABLE_EMPTY
    report, out = sub.batch([Call("missing_report", (frame,)), Call("impute_median", (frame,))])
    assert _close(_floats(report), [100.0, 100.0, 0.0])
    assert isinstance(out, pd.DataFrame)
    assert out["i"].isna().all() and out["f"].isna().all()
    assert str(out["i"].dtype) == "Int64" and str(out["f"].dtype) == "Float64"
    assert _close(_floats(out["k"]), [1, 2, 3])


def _random_cases() -> list[tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]]:
    """Six random frames with gaps (fixed seed), each with its expected percent missing, the columns that have an
    observed value, and the frame as imputation must leave it in those columns (observed values kept, gaps filled
    with the column's median)."""
    rng = np.random.default_rng(7)
    cases = []
    for _ in range(6):
        rows = int(rng.integers(1, 40))
        frame = pd.DataFrame({f"c{i}": rng.normal(size=rows) for i in range(int(rng.integers(1, 5)))})
        frame = frame.mask(rng.random(frame.shape) < rng.random())
        values = frame.to_numpy(dtype=float)
        observed = ~np.isnan(values).all(axis=0)
        filled = np.where(np.isnan(values), frame.median().to_numpy(dtype=float), values)
        cases.append((frame, frame.isna().mean().to_numpy() * 100, observed, filled[:, observed]))
    return cases


_RANDOM_CASES = _random_cases()  # built once per process: the checks never change their inputs


@check(id="random-frames", kind="property", message="On random frames, the report must match the share of gaps and "
       "imputation must fill every numeric gap while keeping the observed values.")
def random_frames(sub):
    # All twelve calls in one round trip: each frame's report, then its imputation.
    calls = [Call(name, (case[0],)) for case in _RANDOM_CASES for name in ("missing_report", "impute_median")]
    replies = sub.batch(calls)
    for (frame, percent, observed, expected), report, out in zip(_RANDOM_CASES, replies[::2], replies[1::2],
                                                                 strict=True):
        assert _close(_floats(report), percent)
        assert isinstance(out, pd.DataFrame) and out.shape == frame.shape
        columns = list(frame.columns)
        same_order = list(out.columns) == columns  # selecting by label is pandas' slow path: skip it when it can
        filled = (out if same_order else out[columns]).to_numpy(dtype=float, na_value=np.nan)
        # A gap left unfilled is NaN, which never matches.
        assert _close(filled[:, observed], expected)
