"""Text handling for answer scoring: clauses with their offsets, content terms, light stemming and negation scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Sentence ends, semicolons, line breaks and list bullets separate units an answer makes its points in.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[,.;:!?()]")
_PUNCTUATION = frozenset(",.;:!?()")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+(?=[-*•]\s)|(?<=:)\s+(?=[-*•])")
# Long sentences are split further at conjunctions that usually start a new claim.
_CLAUSE_BREAK = re.compile(
    r",\s+(?:and|but|while|whereas|although|though|so|or|then)\s+|\s+(?:but|whereas|however|although)\s+"
    r"|,\s+(?=(?:use|check|look|monitor|evaluate|compare|retrain|add|try)\b)",
    re.IGNORECASE,
)
MIN_CLAUSE_WORDS = 4
MERGE_BELOW_WORDS = 2
LONG_SENTENCE_WORDS = 12

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing done down during each either else etc even ever every few for
    from further get gets got had has have having he her here hers herself him himself his how i if in into is it
    its itself just let like make makes made may me might more most much must my myself need needs now of off on
    once one only or other our ours ourselves out over own per quite rather really same shall she should so some
    such than that the their theirs them themselves then there these they thing things this those through thus to
    too under until up upon us use used uses using very via was way we well were what when where whether which
    while who whom whose why will with within would yes yet you your yours yourself yourselves look looks
    check checks ensure ensures consider sure try think know want first second finally i'd i'm it's""".split()  # noqa: SIM905
)
NEGATION_CUES = frozenset(
    """not no never none nor cannot without avoid avoids avoiding neither don't doesn't didn't isn't aren't wasn't
    weren't won't wouldn't shouldn't can't couldn't mustn't haven't hasn't hadn't dont doesnt didnt isnt arent
    wont shouldnt cant""".split()  # noqa: SIM905
)
# Words that end a negation's scope: what follows is asserted again ("not accuracy but F1").
_SCOPE_END = frozenset({"but", "instead", "rather", "however", "whereas", "though", "although"})
NEGATION_SCOPE_TERMS = 3


@dataclass(frozen=True)
class Clause:
    """A piece of an answer that can carry one point, with its character span in the answer."""

    text: str
    start: int
    end: int


def words(text: str) -> list[str]:
    """Return the lower-cased words of `text` (apostrophes normalised)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return a crude stem so that 'monitoring', 'monitored' and 'monitors' meet; not a linguistic stemmer."""
    w = word.lower()
    if len(w) <= 3 or w.isdigit():
        return w
    for suffix, keep in (
        ("izations", 0),
        ("ization", 0),
        ("ations", 0),
        ("ation", 0),
        ("ities", 0),
        ("ity", 0),
        ("iness", 0),
        ("ness", 0),
        ("ments", 0),
        ("ment", 0),
        ("ings", 0),
        ("ing", 0),
        ("ies", 1),
        ("ied", 1),
        ("ed", 0),
        ("ly", 0),
        ("es", 0),
        ("s", 0),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: len(w) - len(suffix)]
            if keep:
                base += "y"
            if suffix in {"ing", "ed", "ings"} and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1]  # "stopped" -> "stop"
            if suffix == "s" and base.endswith("s"):
                return w  # "loss", "class"
            return base.rstrip("e") if len(base) > 4 else base
    return w.rstrip("e") if len(w) > 4 else w


@lru_cache(maxsize=16384)
def content_words(text: str) -> tuple[str, ...]:
    """Return the lower-cased words of `text` that carry content (no stop words, no negation cues), unstemmed."""
    return tuple(w for w in words(text) if w not in STOPWORDS and w not in NEGATION_CUES and len(w) > 1)


def content_terms(text: str) -> tuple[str, ...]:
    """Return the stems of the words of `text` that carry content (no stop words, no negation cues)."""
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS and w not in NEGATION_CUES and len(w) > 1)


@lru_cache(maxsize=16384)
def negated_terms(text: str) -> frozenset[str]:
    """Return the content stems that sit inside a negation's scope ("should not use accuracy" -> {"accuracy"})."""
    out: set[str] = set()
    remaining = 0
    for token in _TOKEN.findall(text):
        w = token.lower().replace("’", "'")
        if w in _PUNCTUATION:
            remaining = 0
            continue
        if w in NEGATION_CUES or w.endswith("n't"):
            remaining = NEGATION_SCOPE_TERMS
            continue
        if w in _SCOPE_END:
            remaining = 0
            continue
        if remaining and w not in STOPWORDS:
            out.add(stem(w))
            remaining -= 1
    return frozenset(out)


def polarity_mismatch(point: str, clause: str) -> bool:
    """Return True when the clause negates content terms the point asserts, or asserts ones the point negates."""
    neg_point, neg_clause = negated_terms(point), negated_terms(clause)
    if not neg_point and not neg_clause:
        return False
    shared = set(content_terms(point)) & set(content_terms(clause))
    if not shared:
        return False
    flipped = [t for t in shared if (t in neg_point) != (t in neg_clause)]
    return len(flipped) * 2 >= len(shared)


def _split_long(sentence: str, offset: int) -> list[Clause]:
    if len(words(sentence)) < LONG_SENTENCE_WORDS:
        return [Clause(sentence, offset, offset + len(sentence))]
    pieces: list[Clause] = []
    last = 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        head = sentence[last : match.start()]
        if len(words(head)) >= MIN_CLAUSE_WORDS and len(words(sentence[match.end() :])) >= MIN_CLAUSE_WORDS:
            pieces.append(Clause(head, offset + last, offset + match.start()))
            last = match.end()
    pieces.append(Clause(sentence[last:], offset + last, offset + len(sentence)))
    return pieces


def split_clauses(text: str) -> list[Clause]:
    """Return the clauses of `text` in order; tiny fragments are merged into their neighbour."""
    sentences: list[Clause] = []
    last = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[last:end]
        stripped = chunk.strip(" \t-*•")
        if stripped:
            start = last + chunk.index(stripped)
            sentences.append(Clause(stripped, start, start + len(stripped)))
        if match:
            last = match.end()
    merged: list[Clause] = []
    for sentence in sentences:
        # A one-word list item ("- SMOTE") is a point of its own; a one-word sentence ("Yes.") is not.
        gap = text[merged[-1].end : sentence.start] if merged else ""
        list_item = "\n" in gap or any(b in gap for b in "-*•")
        for clause in _split_long(sentence.text, sentence.start):
            tiny = len(words(clause.text)) < MERGE_BELOW_WORDS and not list_item
            if merged and tiny and len(words(merged[-1].text)) < 25:
                prev = merged.pop()
                clause = Clause(text[prev.start : clause.end], prev.start, clause.end)
            merged.append(clause)
    if len(merged) > 1 and len(words(merged[0].text)) < MERGE_BELOW_WORDS and "\n" not in text[: merged[1].start]:
        first, second = merged[0], merged[1]
        merged[:2] = [Clause(text[first.start : second.end], first.start, second.end)]
    return merged


def cap_words(text: str, limit: int) -> tuple[str, bool]:
    """Return `text` cut after `limit` words, and whether it was cut."""
    for count, match in enumerate(_WORD.finditer(text), start=1):
        if count > limit:
            return text[: match.start()].rstrip(), True
    return text, False
