"""Normalised fingerprints of Python source: abstracted tokens, hashed k-grams, winnowed (Schleimer et al. 2003)."""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_K = 10
"""Tokens per k-gram: shorter matches are noise (every solution writes `for N in range(N):`)."""
DEFAULT_WINDOW = 4
"""Winnowing window: any match of at least K + WINDOW - 1 tokens leaves at least one shared fingerprint."""
_MODULUS = (1 << 61) - 1
_BASE = 1_000_003
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER, tokenize.TYPE_COMMENT}
_KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised token and the source line it comes from."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A selected k-gram hash and the lines (first, last; 1-based) of the source it covers."""

    hash: int
    start: int
    end: int


def _raw_tokens(source: str) -> Iterator[tokenize.TokenInfo]:
    """Yield the tokens of `source`; code that does not tokenize to the end yields what came before the error."""
    try:
        yield from tokenize.generate_tokens(io.StringIO(source).readline)
    except (tokenize.TokenError, SyntaxError):
        return


def _is_docstring(previous: str | None, token: tokenize.TokenInfo, following: tokenize.TokenInfo | None) -> bool:
    starts_statement = previous in (None, "NEWLINE", "INDENT", "DEDENT")
    ends_statement = following is None or following.type in (tokenize.NEWLINE, tokenize.ENDMARKER)
    return token.type == tokenize.STRING and starts_statement and ends_statement


def _abstract(token: tokenize.TokenInfo, previous_text: str | None) -> str:
    kind = token.type
    if kind == tokenize.NAME:
        # Keywords, builtins and attribute names (library calls such as `.median`) say what the code does;
        # the names a person chose do not, and renaming them is the first thing copied code goes through.
        if token.string in _KEPT_NAMES or previous_text == ".":
            return token.string
        return "N"
    if kind == tokenize.NUMBER:
        return "#"
    if kind == tokenize.STRING:
        return "$"
    if kind == tokenize.NEWLINE:
        return ";"
    if kind == tokenize.INDENT:
        return "{"
    if kind == tokenize.DEDENT:
        return "}"
    return token.string


def _normalised(source: str) -> tuple[list[str], list[int]]:
    raw = [t for t in _raw_tokens(source) if t.type not in _SKIPPED]
    texts: list[str] = []
    lines: list[int] = []
    previous_kind: str | None = None
    skip_newline = False
    for i, token in enumerate(raw):
        if skip_newline and token.type == tokenize.NEWLINE:
            skip_newline = False
            continue
        skip_newline = False
        if token.type == tokenize.STRING and _is_docstring(
            previous_kind, token, raw[i + 1] if i + 1 < len(raw) else None
        ):
            skip_newline = True
            continue
        texts.append(_abstract(token, texts[-1] if texts else None))
        lines.append(token.start[0])
        previous_kind = tokenize.tok_name[token.type]
    return texts, lines


def normalise(source: str) -> list[Token]:
    """Return the tokens of `source` with comments, docstrings and blank lines dropped, names and literals abstracted.

    Code that does not tokenize (a syntax error half-way) gives the tokens before the error.
    """
    texts, lines = _normalised(source)
    return [Token(text, line) for text, line in zip(texts, lines, strict=True)]


@lru_cache(maxsize=4096)
def _token_code(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=7).digest(), "big")


def kgram_hashes(tokens: list[Token], k: int = DEFAULT_K) -> list[int]:
    """Return the rolling hash of every k-gram of `tokens` (a list shorter than k gives none)."""
    return _hashes([t.text for t in tokens], k)


def _hashes(texts: list[str], k: int) -> list[int]:
    if len(texts) < k:
        return []
    codes = [_token_code(t) for t in texts]
    top = pow(_BASE, k - 1, _MODULUS)
    value = 0
    for code in codes[:k]:
        value = (value * _BASE + code) % _MODULUS
    hashes = [value]
    for i in range(k, len(codes)):
        value = ((value - codes[i - k] * top) * _BASE + codes[i]) % _MODULUS
        hashes.append(value)
    return hashes


def winnow(hashes: list[int], window: int = DEFAULT_WINDOW) -> list[int]:
    """Return the positions winnowing selects: the rightmost minimum of every window, each position once."""
    if not hashes:
        return []
    if len(hashes) <= window:
        low = min(hashes)
        return [len(hashes) - 1 - hashes[::-1].index(low)]
    chosen: list[int] = []
    at = -1  # position of the current window's rightmost minimum
    for start in range(len(hashes) - window + 1):
        end = start + window - 1
        if at < start:  # the minimum left the window: look again
            span = hashes[start : end + 1]
            at = end - span[::-1].index(min(span))
        elif hashes[end] <= hashes[at]:
            at = end
        if not chosen or chosen[-1] != at:
            chosen.append(at)
    return chosen


def fingerprints(
    source: str, *, k: int = DEFAULT_K, window: int = DEFAULT_WINDOW, ignore: Iterable[int] = ()
) -> list[Fingerprint]:
    """Return the winnowed fingerprints of `source`, leaving out the hashes in `ignore` (starter code, scaffolding)."""
    texts, lines = _normalised(source)
    hashes = _hashes(texts, k)
    skipped = set(ignore)
    return [
        Fingerprint(hashes[p], lines[p], lines[p + k - 1]) for p in winnow(hashes, window) if hashes[p] not in skipped
    ]


def all_hashes(source: str, *, k: int = DEFAULT_K) -> set[int]:
    """Return every k-gram hash of `source` (not only the winnowed ones): what to subtract when it is boilerplate."""
    return set(_hashes(_normalised(source)[0], k))
