"""Type aliases shared across subpackages."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

JSONValue: TypeAlias = Any
JSONObject: TypeAlias = dict[str, Any]
Level: TypeAlias = Literal["junior", "mid", "senior"]
Status: TypeAlias = Literal["draft", "reviewed", "retired"]
Rating: TypeAlias = Literal[1, 2, 3, 4]
