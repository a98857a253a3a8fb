"""Tagged-JSON codec for values crossing the sandbox boundary: arrays and frames as data, never pickle.

This module runs on both sides of the boundary, so it imports nothing from mlscreen. Decoding builds only
plain values, NumPy arrays and pandas objects of an allowed set of dtypes, and refuses deep nesting.
Numeric columns travel as the base64 of their raw little-endian bytes (`raw`), nullable ones with a separate
NA mask (`mask`); strings and objects travel as JSON lists (`data`). Every length is checked on decode.
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 32
TAG = "__t__"
_NUMPY_DTYPES = frozenset(
    {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"}
)
_NULLABLE_DTYPES = frozenset(
    {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float32", "Float64", "boolean"}
)
_STRING_DTYPES = frozenset({"string", "str", "string[python]"})


_ATOMS = frozenset({str, int, float, bool, type(None)})


class CodecError(ValueError):
    """A value cannot be encoded, or a payload is not a valid encoding."""


def _float(value: float) -> Any:
    if math.isnan(value):
        return {TAG: "nan"}
    if math.isinf(value):
        return {TAG: "inf" if value > 0 else "-inf"}
    return value


def _scalar(value: Any) -> Any:
    """Encode one element of an array or column."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if value is None:
        return None
    if value is pd.NA:
        return {TAG: "na"}
    if value is pd.NaT:
        return {TAG: "nat"}
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _float(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return {TAG: "ts", "v": value.isoformat()}
    return encode(value, 1)


def _b64(array: Any) -> str:
    """Return the raw little-endian bytes of a 1-d numeric array as base64 text."""
    import numpy as np

    little = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    return base64.b64encode(little.tobytes()).decode("ascii")


def _column(values: Any) -> dict[str, Any]:
    """Encode a 1-d array: raw bytes for numeric and nullable dtypes (with an NA mask), lists for the rest."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    dtype = str(values.dtype)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return {"dtype": dtype, "data": [None if v == "NaT" else v for v in np.datetime_as_string(values)]}
    if dtype in _NUMPY_DTYPES:
        return {"dtype": dtype, "raw": _b64(np.asarray(values))}
    if isinstance(values, pd.api.extensions.ExtensionArray) and dtype in _NULLABLE_DTYPES:
        data = values._data  # the masked array's values; positions under the mask are not meaningful
        mask = np.asarray(values._mask, dtype=bool)
        return {"dtype": dtype, "raw": _b64(np.where(mask, 0, data).astype(data.dtype)), "mask": _b64(mask)}
    return {"dtype": dtype, "data": [_scalar(v) for v in values.tolist()]}


def _frame_column(frame: Any, i: int) -> Any:
    """Return the values of the frame's column at position `i`, without building a Series when pandas allows."""
    import numpy as np

    values = frame._get_column_array(i) if hasattr(frame, "_get_column_array") else frame.iloc[:, i].array

    return np.asarray(values) if values.dtype.kind == "M" else values


def encode(value: Any, depth: int = 0) -> Any:
    """Return a JSON-able form of `value`; raises `CodecError` for types that may not cross the boundary."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if depth > MAX_DEPTH:
        raise CodecError("value nested too deeply")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float | np.generic) or value is pd.NA or value is pd.NaT:
        return _scalar(value)
    if isinstance(value, list | tuple | dict):
        return _encode_container(value, depth)
    return _encode_data(value, depth)


def _encode_container(value: list[Any] | tuple[Any, ...] | dict[Any, Any], depth: int) -> Any:
    """Encode a list, a tuple or a dict (one with keys other than plain strings as a list of pairs)."""
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v, depth + 1) for v in value]}
    if all(type(k) is str and k != TAG for k in value):
        return {k: encode(v, depth + 1) for k, v in value.items()}
    return {TAG: "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}


def _encode_data(value: Any, depth: int) -> Any:
    """Encode an array, a series, a frame or an index; raises `CodecError` for any other type."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufUOM":
            raise CodecError(f"arrays of dtype {value.dtype} cannot be returned")
        flat = value.reshape(-1)
        return {TAG: "nd", "shape": list(value.shape), **_column(flat)}
    if isinstance(value, pd.Series):
        return {TAG: "series", "name": encode(value.name, depth + 1), "index": encode(value.index, depth + 1)} | (
            _column(value.array.to_numpy() if value.dtype.kind == "M" else value.array)
        )
    if isinstance(value, pd.DataFrame):
        return {
            TAG: "frame",
            "columns": [encode(c, depth + 1) for c in value.columns],
            "index": encode(value.index, depth + 1),
            "cols": [_column(_frame_column(value, i)) for i in range(value.shape[1])],
        }
    if isinstance(value, pd.RangeIndex):
        return {TAG: "range", "v": [value.start, value.stop, value.step], "name": encode(value.name, depth + 1)}
    if isinstance(value, pd.Index) and not isinstance(value, pd.MultiIndex):
        return {TAG: "index", "name": encode(value.name, depth + 1)} | _column(
            value.to_numpy() if value.dtype.kind == "M" else value.array
        )
    raise CodecError(f"values of type {type(value).__name__} cannot be returned")


def _decode_scalar(item: Any, depth: int) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if isinstance(item, dict) and TAG in item:
        tag = item[TAG]
        if tag == "na":
            return pd.NA
        if tag == "nat":
            return pd.NaT
        if tag == "ts":
            return pd.Timestamp(str(item["v"]))
    return decode(item, depth + 1)


def _raw(obj: dict[str, Any], key: str, dtype: Any) -> Any:
    """Decode the base64 field `key` into a writable 1-d array of `dtype` (little-endian on the wire)."""
    import numpy as np

    text = obj.get(key)
    if not isinstance(text, str):
        raise CodecError(f"column {key!r} must be base64 text")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise CodecError(f"column {key!r} is not valid base64") from None
    wire = np.dtype(dtype).newbyteorder("<")
    if len(data) % wire.itemsize:
        raise CodecError(f"column {key!r} is not a whole number of {dtype} values")
    if wire.kind == "b" and data and int(np.frombuffer(data, dtype=np.uint8).max()) > 1:
        raise CodecError(f"column {key!r} holds booleans other than 0 and 1")
    return np.frombuffer(data, dtype=wire).astype(np.dtype(dtype), copy=True)


def _decode_values(obj: dict[str, Any], depth: int) -> Any:
    """Decode the `dtype` and `raw`/`mask` or `data` of an encoded column into an array of that dtype (or object)."""
    dtype = str(obj.get("dtype", "object"))
    if "raw" in obj:
        return _decode_raw(obj, dtype)
    raw = obj.get("data")
    if not isinstance(raw, list):
        raise CodecError("column data must be a list")
    # Most columns hold only plain JSON scalars, which decode to themselves.
    values = raw if all(type(v) in _ATOMS for v in raw) else [_decode_scalar(v, depth) for v in raw]
    return _decode_listed(values, dtype)


def _decode_raw(obj: dict[str, Any], dtype: str) -> Any:
    """Decode a column sent as raw bytes: a NumPy array, or a pandas masked array for a nullable dtype."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if dtype in _NUMPY_DTYPES:
        return _raw(obj, "raw", dtype)
    if dtype not in _NULLABLE_DTYPES:
        raise CodecError(f"raw columns of dtype {dtype} are not accepted")
    numpy_dtype = "bool" if dtype == "boolean" else dtype.lower()
    values = _raw(obj, "raw", numpy_dtype)
    mask = _raw(obj, "mask", "bool")
    if len(mask) != len(values):
        raise CodecError("a nullable column's mask does not match its values")
    kind = {"b": pd.arrays.BooleanArray, "f": pd.arrays.FloatingArray}.get(values.dtype.kind)
    return (kind or pd.arrays.IntegerArray)(values, mask)


def _decode_listed(values: list[Any], dtype: str) -> Any:
    """Build an array of `dtype` from decoded `values` (an object array for any other dtype)."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    try:
        if dtype in _NUMPY_DTYPES:
            return np.array([np.nan if v is pd.NA or v is None else v for v in values], dtype=dtype)
        if dtype in _NULLABLE_DTYPES or dtype in _STRING_DTYPES:
            return pd.array(values, dtype=_pandas_dtype(dtype))
    except (TypeError, ValueError, OverflowError):
        raise CodecError(f"column data does not fit dtype {dtype}") from None
    if dtype.startswith("datetime64[") and dtype[len("datetime64[") : -1] in {"s", "ms", "us", "ns"}:
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=dtype)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def decode(obj: Any, depth: int = 0) -> Any:
    """Return the value `obj` encodes; raises `CodecError` on anything malformed or too deep."""
    if type(obj) in _ATOMS:  # JSON gives exactly these types, never subclasses
        return obj
    if depth > MAX_DEPTH + 4:
        raise CodecError("payload nested too deeply")
    if isinstance(obj, list):
        return [decode(v, depth + 1) for v in obj]
    if not isinstance(obj, dict):
        raise CodecError("unexpected JSON value")
    tag = obj.get(TAG)
    if tag is None:
        return {k: decode(v, depth + 1) for k, v in obj.items()}
    try:
        decoder = _DECODERS.get(tag)
        if decoder is None:
            raise CodecError(f"unknown tag {tag!r}")
        return decoder(obj, depth)
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise CodecError(f"malformed {tag!r} value") from None


def _decode_float(obj: dict[str, Any], depth: int) -> Any:
    return float(obj[TAG])


def _decode_tuple(obj: dict[str, Any], depth: int) -> Any:
    return tuple(decode(v, depth + 1) for v in obj["v"])


def _decode_dict(obj: dict[str, Any], depth: int) -> Any:
    return {_hashable(decode(k, depth + 1)): decode(v, depth + 1) for k, v in obj["v"]}


def _decode_array(obj: dict[str, Any], depth: int) -> Any:
    import numpy as np

    shape = tuple(int(n) for n in obj["shape"])
    if any(n < 0 for n in shape):
        raise CodecError("malformed array shape")
    return np.asarray(_decode_values(obj, depth)).reshape(shape)


def _decode_range(obj: dict[str, Any], depth: int) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    start, stop, step = (int(n) for n in obj["v"])
    return pd.RangeIndex(start, stop, step, name=_hashable(decode(obj.get("name"), depth + 1)))


def _decode_index(obj: dict[str, Any], depth: int) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    return pd.Index(_decode_values(obj, depth), name=_hashable(decode(obj.get("name"), depth + 1)))


def _decode_series(obj: dict[str, Any], depth: int) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    index = _index(decode(obj["index"], depth + 1))
    values = _decode_values(obj, depth)
    if len(values) != len(index):
        raise CodecError("a series' values do not match its index")
    return pd.Series(values, index=index, name=_hashable(decode(obj.get("name"), depth + 1)), copy=False)


def _decode_frame(obj: dict[str, Any], depth: int) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    columns = [_hashable(decode(c, depth + 1)) for c in obj["columns"]]
    index = _index(decode(obj["index"], depth + 1))
    if not isinstance(obj["cols"], list) or len(columns) != len(obj["cols"]):
        raise CodecError("malformed frame")
    arrays = [_decode_values(c, depth + 1) if isinstance(c, dict) else None for c in obj["cols"]]
    if any(a is None or len(a) != len(index) for a in arrays):
        raise CodecError("a frame's columns do not match its index")
    labels = _object_index(columns) if columns else pd.RangeIndex(0)
    if hasattr(pd.DataFrame, "_from_arrays"):  # several times faster than the public constructor
        return pd.DataFrame._from_arrays(arrays, columns=labels, index=index, verify_integrity=False)
    frame = pd.DataFrame(dict(enumerate(arrays)), index=index, copy=False)
    frame.columns = labels
    return frame


_DECODERS: dict[str, Callable[[dict[str, Any], int], Any]] = {
    "nan": _decode_float,
    "inf": _decode_float,
    "-inf": _decode_float,
    "na": _decode_scalar,
    "nat": _decode_scalar,
    "ts": _decode_scalar,
    "tuple": _decode_tuple,
    "dict": _decode_dict,
    "nd": _decode_array,
    "range": _decode_range,
    "index": _decode_index,
    "series": _decode_series,
    "frame": _decode_frame,
}
"""One decoder per tag; a decoder gets the tagged object and its depth."""


@functools.lru_cache(maxsize=64)
def _pandas_dtype(name: str) -> Any:
    """Return pandas' dtype object named `name` (an allowed nullable or string dtype); looking one up by name is
    slower than building the small arrays that cross the boundary."""
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    return pd.api.types.pandas_dtype(name)


def _object_index(labels: list[Any]) -> Any:
    """Return an object-dtype index of `labels` (tuples stay single labels), without pandas' inference."""
    import numpy as np
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    values = np.empty(len(labels), dtype=object)
    for i, label in enumerate(labels):
        values[i] = label
    simple_new = getattr(pd.Index, "_simple_new", None)  # ~20x faster than the public constructor
    return simple_new(values) if simple_new is not None else pd.Index(values, dtype=object)


def _index(value: Any) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    if not isinstance(value, pd.Index):
        raise CodecError("an index must be encoded as an index")
    return value


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        raise CodecError("keys and labels must be hashable") from None
    return value
