"""Names and titles people type: trimmed, bounded, and free of invisible control characters."""

from __future__ import annotations

import unicodedata

from mlscreen.errors import UsageError

# Zero-width and bidirectional characters can disguise a name ("Bob" that reads "boB") or make two different names
# look the same. Unicode files them under "format" (Cf); control (Cc), line and paragraph separators break lines.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def invisible_character(text: str) -> tuple[int, str] | None:
    """Return (position, character) of the first control, format or unassigned character in `text`, if any."""
    for position, char in enumerate(text):
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return position, char
    return None


def clean_name(value: str, *, what: str, limit: int = 200, required: bool = True) -> str:
    """Return `value` trimmed; raises `UsageError` when it is empty, longer than `limit` or holds control characters.

    `what` names the field in the message ("the candidate's name", "the title").
    """
    text = value.strip()
    if required and not text:
        raise UsageError(f"{what} is empty", hint=f"fill in {what}")
    if len(text) > limit:
        raise UsageError(f"{what} is longer than {limit} characters", hint="shorten it")
    found = invisible_character(text)
    if found is not None:
        position, char = found
        label = unicodedata.name(char, "control character")
        raise UsageError(
            f"{what} contains an invisible character (U+{ord(char):04X} {label}) at position {position + 1}",
            hint="retype it without control, zero-width or text-direction characters",
        )
    return text
