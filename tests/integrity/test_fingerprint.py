"""Fingerprints ignore what copying changes (names, literals, comments, layout) and keep what it does not."""

from __future__ import annotations

from mlscreen.integrity.fingerprint import DEFAULT_K, DEFAULT_WINDOW, fingerprints, kgram_hashes, normalise, winnow

SOURCE = '''"""A module docstring."""
import pandas as pd


def fill(frame, limit=3):
    """Fill the gaps."""
    # the median is robust
    out = frame.copy()
    for column in out.columns:
        out[column] = out[column].fillna(out[column].median())
    return out.head(limit) if len(out) > 10 else out
'''

DISGUISED = """import pandas as pd
def fill(df, n=7):
    # copied, but renamed
    result = df.copy()

    for c in result.columns:
        result[c] = result[c].fillna(result[c].median())   # same thing
    return result.head(n) if len(result) > 99 else result
"""


def texts(source: str) -> list[str]:
    return [t.text for t in normalise(source)]


def test_names_literals_comments_and_docstrings_are_abstracted() -> None:
    tokens = texts(SOURCE)
    assert "frame" not in tokens and "out" not in tokens and "column" not in tokens
    assert "$" not in tokens  # both docstrings are dropped, not just abstracted
    assert tokens.count("#") == 2  # 3 and 10 are literals
    assert "fillna" in tokens and "median" in tokens and "len" in tokens  # library calls and builtins stay


def test_renaming_and_relayout_leave_the_fingerprints_unchanged() -> None:
    assert texts(SOURCE) == texts(DISGUISED)
    assert {f.hash for f in fingerprints(SOURCE)} == {f.hash for f in fingerprints(DISGUISED)}


def test_a_different_program_has_other_fingerprints() -> None:
    other = "def fill(frame):\n    return frame.interpolate().bfill().ffill().dropna(axis=1, how='all')\n"
    assert not {f.hash for f in fingerprints(SOURCE)} & {f.hash for f in fingerprints(other)}


def test_fingerprints_carry_the_lines_they_cover() -> None:
    prints = fingerprints(SOURCE)
    assert prints and all(1 <= f.start <= f.end <= len(SOURCE.splitlines()) for f in prints)
    assert min(f.start for f in prints) == 2 and max(f.end for f in prints) == 11


def test_winnowing_guarantees_a_shared_fingerprint_for_long_enough_matches() -> None:
    # Any run of K + WINDOW - 1 tokens in common leaves at least one fingerprint in common, whatever surrounds it.
    shared = "total = 0\nfor value in values:\n    total += value * weight\n"
    a = "def f(values, weight):\n    x = [1, 2]\n" + "".join("    " + line + "\n" for line in shared.splitlines())
    b = "class C:\n    def g(self, values, weight):\n        y = {}\n        y[0] = 1\n"
    b += "".join("        " + line + "\n" for line in shared.splitlines())
    assert len(normalise(shared)) >= DEFAULT_K + DEFAULT_WINDOW - 1
    assert {f.hash for f in fingerprints(a)} & {f.hash for f in fingerprints(b)}


def test_winnow_picks_the_rightmost_minimum_of_each_window_once() -> None:
    assert winnow([5, 3, 7, 3, 9, 8], window=3) == [1, 3]
    assert winnow([4, 4], window=3) == [1]
    assert winnow([], window=3) == []


def test_code_that_does_not_parse_still_gives_the_fingerprints_before_the_error() -> None:
    broken = SOURCE + "\ndef broken(:\n    return '''never closed\n"
    assert {f.hash for f in fingerprints(SOURCE)} <= {f.hash for f in fingerprints(broken)}
    assert fingerprints("") == [] and kgram_hashes(normalise("x = 1\n")) == []
