"""The tagged-JSON codec: values survive the round trip, and malformed or oversized payloads are refused."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlscreen.grader.inside import codec


def round_trip(value: Any) -> Any:
    return codec.decode(json.loads(json.dumps(codec.encode(value))))


def mixed_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "f": [25.0, np.nan, 3.5],
            "i": [1, 2, 3],
            "s": ["a", None, "c"],
            "n": pd.array([1, pd.NA, 3], dtype="Int64"),
            "g": pd.array([0.5, pd.NA, 1.0], dtype="Float64"),
            "b": pd.array([True, pd.NA, False], dtype="boolean"),
            "t": [True, False, True],
            "u": np.array([1, 2, 3], dtype="uint16"),
        },
        index=[5, 6, 7],
    )


def test_frames_keep_values_dtypes_index_and_missing_values() -> None:
    frame = mixed_frame()
    back = round_trip(frame)
    pd.testing.assert_frame_equal(back, frame, check_column_type=False)
    assert back["n"].isna().tolist() == [False, True, False]


def test_numeric_columns_travel_as_raw_bytes_not_lists() -> None:
    encoded = codec.encode(pd.Series([1.5, np.nan], name="x"))
    assert encoded["dtype"] == "float64" and "data" not in encoded
    assert np.frombuffer(base64.b64decode(encoded["raw"]), dtype="<f8")[0] == 1.5
    nullable = codec.encode(pd.Series(pd.array([7, pd.NA], dtype="Int64")))
    assert set(nullable) >= {"raw", "mask"}


def test_empty_and_columnless_frames() -> None:
    empty = pd.DataFrame({"a": pd.Series([], dtype="float64"), "b": pd.Series([], dtype="object")})
    pd.testing.assert_frame_equal(round_trip(empty), empty, check_column_type=False)
    assert round_trip(pd.DataFrame(index=range(3))).shape == (3, 0)


@given(hnp.arrays(st.sampled_from(["float64", "float32", "int64", "int8", "uint32", "bool"]), hnp.array_shapes()))
def test_arrays_round_trip_exactly(array: np.ndarray) -> None:
    back = round_trip(array)
    assert back.dtype == array.dtype and back.shape == array.shape and back.flags.writeable
    np.testing.assert_array_equal(back, array)


def series_payload(**changes: Any) -> dict[str, Any]:
    payload = codec.encode(pd.Series([1.0, 2.0]))
    assert isinstance(payload, dict)
    return {**payload, **changes}


@pytest.mark.parametrize(
    "payload",
    [
        series_payload(raw="not base64!"),
        series_payload(raw=base64.b64encode(b"\x00" * 12).decode()),  # 1.5 float64 values
        series_payload(raw=base64.b64encode(b"\x00" * 24).decode()),  # 3 values for an index of 2
        series_payload(raw=12),
        series_payload(dtype="object"),  # raw bytes of a non-numeric dtype
        series_payload(dtype="datetime64[ns]"),
        series_payload(index=[0, 1]),  # an index must be an index
        {"__t__": "nd", "shape": [2], "dtype": "bool", "raw": base64.b64encode(b"\x01\x07").decode()},
        {"__t__": "nd", "shape": [-1], "dtype": "int8", "raw": base64.b64encode(b"\x01\x07").decode()},
        {"__t__": "nd", "shape": [3], "dtype": "int8", "raw": base64.b64encode(b"\x01\x07").decode()},
        {
            "__t__": "series",
            "name": None,
            "index": {"__t__": "range", "v": [0, 2, 1], "name": None},
            "dtype": "Int64",
            "raw": base64.b64encode(b"\x00" * 16).decode(),
            "mask": base64.b64encode(b"\x00").decode(),  # one mask entry for two values
        },
        {"__t__": "frame", "columns": ["a"], "index": {"__t__": "range", "v": [0, 2, 1], "name": None}, "cols": []},
        {"__t__": "pickle", "v": "gASV"},
    ],
)
def test_malformed_payloads_are_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(codec.CodecError):
        codec.decode(payload)


def test_deep_nesting_and_foreign_types_are_refused() -> None:
    nested: Any = []
    for _ in range(100):
        nested = [nested]
    with pytest.raises(codec.CodecError):
        codec.encode(nested)
    with pytest.raises(codec.CodecError):
        codec.encode(object())
    with pytest.raises(codec.CodecError):
        codec.encode(np.array([1 + 2j]))


def test_labels_and_object_columns_keep_what_they_hold() -> None:
    # Tuple labels stay single labels; an object column mixing plain and tagged values (NaN) keeps both.
    frame = pd.DataFrame({("a", 1): [1.0, 2.0], "b": ["x", np.nan]}, index=pd.RangeIndex(2))
    back = round_trip(frame)
    assert list(back.columns) == [("a", 1), "b"] and back.columns.dtype == object
    assert back["b"].iloc[0] == "x" and np.isnan(back["b"].iloc[1])
    words = round_trip(pd.Series([1, 2], index=pd.Index(["p", "q"], dtype="str")))
    assert list(words.index) == ["p", "q"] and words.index.dtype == pd.Index(["p"], dtype="str").dtype
