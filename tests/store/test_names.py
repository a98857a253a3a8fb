"""Names and titles: trimmed, bounded, and refused when they hold control, zero-width or direction characters."""

from __future__ import annotations

import re

import pytest

from mlscreen.errors import UsageError
from mlscreen.store.names import clean_name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ann\x00", "U+0000"),
        ("Ann\tLee", "U+0009"),
        ("Ann\u200bLee", "U+200B"),
        ("Ann\u200dLee", "U+200D"),
        ("Ann\u202eeeL", "U+202E"),
        ("Ann\u2067Lee\u2069", "U+2067"),
        ("Ann\u061cLee", "U+061C"),
        ("\ufeffAnn", "U+FEFF"),
        ("Ann\u2029Lee", "U+2029"),
    ],
)
def test_invisible_characters_are_refused_with_where_they_are(text: str, code: str) -> None:
    with pytest.raises(UsageError, match=re.escape(f"the name contains an invisible character ({code}")) as caught:
        clean_name(text, what="the name")
    assert "position" in caught.value.message and caught.value.hint


@pytest.mark.parametrize("text", ["  Zoë O'Brien-Nguyễn ", "王小明", "محمد رضا", "Ана Петровић", "Sam (he/him)"])
def test_real_names_pass_trimmed(text: str) -> None:
    assert clean_name(text, what="the name") == text.strip()


def test_empty_and_long_names_are_refused() -> None:
    with pytest.raises(UsageError, match="the title is empty"):
        clean_name("   ", what="the title")
    assert clean_name("  ", what="the name", required=False) == ""
    with pytest.raises(UsageError, match="longer than 5 characters"):
        clean_name("abcdef", what="the name", limit=5)
