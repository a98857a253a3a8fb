"""The candidate's own input: literals parsed outside the sandbox (never evaluated), passed as JSON."""

from __future__ import annotations

import pytest

from mlscreen.errors import UsageError
from mlscreen.grader.custom_call import call_text, parse_arguments


def test_literals_become_json_arguments() -> None:
    args, kwargs = parse_arguments('[3, 1, 2], (1, 2), {"a": [None, True]}, -1.5, k=2, name="x"')
    assert args == [[3, 1, 2], [1, 2], {"a": [None, True]}, -1.5]
    assert kwargs == {"k": 2, "name": "x"}
    assert parse_arguments("") == ([], {})
    assert parse_arguments("5,") == ([5], {})
    assert call_text("f", [[1, 2]], {"k": "x"}) == "f([1, 2], k='x')"


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "open('/etc/passwd')",
        "x",
        "1 + (lambda: 1)()",
        "[i for i in range(10**9)]",
        "*[1, 2]",
        "**{'a': 1}",
        "{1: 2}",
        "{1, 2}",
        "b'bytes'",
        "float('nan')",
        "1e400",
        "10**100",
        "1); import os; (2",
        "[" * 5000,
    ],
)
def test_anything_but_a_literal_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_arguments(text)
    assert caught.value.hint


def test_huge_input_is_refused() -> None:
    with pytest.raises(UsageError, match="longer than"):
        parse_arguments("1," * 3000)
