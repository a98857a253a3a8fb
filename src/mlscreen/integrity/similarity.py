"""Similarity across submissions of one exercise: an inverted index of fingerprints, scored pairs, fragments."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from mlscreen.integrity.fingerprint import DEFAULT_K, DEFAULT_WINDOW, Fingerprint, all_hashes, fingerprints

MIN_FINGERPRINTS = 4
"""A document with fewer fingerprints (after the starter is subtracted) is too small to say anything about."""
COMMON_SHARE = 0.1
"""A fingerprint found in more than this share of an exercise's documents is common scaffolding: ignored."""
COMMON_MAX_DOCUMENTS = 200
"""A fingerprint found in more documents than this is common whatever the corpus's size: the cost of comparing a new
submission stays bounded, and code that this many people share is circulating, not copied between two of them."""
COMMON_MIN_DOCUMENTS = 10
"""Below this many documents no fingerprint counts as common: the share says nothing yet."""
FRAGMENT_GAP = 2
"""Matches whose lines lie at most this far apart on both sides join into one fragment."""


@dataclass(frozen=True)
class Fragment:
    """Lines of `a` and of `b` (first, last; 1-based) that share fingerprints."""

    a_lines: tuple[int, int]
    b_lines: tuple[int, int]

    def to_json(self) -> dict[str, list[int]]:
        """Return the fragment as the CLI's JSON shows it."""
        return {"a_lines": list(self.a_lines), "b_lines": list(self.b_lines)}


@dataclass(frozen=True)
class Pair:
    """Two documents, their similarity (0-1: the share of their fingerprints they have in common) and fragments."""

    a: str
    b: str
    similarity: float
    fragments: tuple[Fragment, ...]

    def to_json(self) -> dict[str, Any]:
        """Return the pair as the CLI's JSON shows it."""
        return {
            "a": self.a,
            "b": self.b,
            "similarity": round(self.similarity, 4),
            "fragments": [f.to_json() for f in self.fragments],
        }


def boilerplate(*sources: str, k: int = DEFAULT_K) -> frozenset[int]:
    """Return every k-gram hash of `sources` (the exercise's starter code): what a submission shares by design."""
    out: set[int] = set()
    for source in sources:
        out |= all_hashes(source, k=k)
    return frozenset(out)


def _by_hash(prints: Iterable[Fingerprint]) -> dict[int, list[Fingerprint]]:
    found: dict[int, list[Fingerprint]] = defaultdict(list)
    for fp in prints:
        found[fp.hash].append(fp)
    return found


def _join(spans: list[tuple[int, int, int, int]]) -> list[Fragment]:
    spans.sort()
    out: list[list[int]] = []
    for a0, a1, b0, b1 in spans:
        last = out[-1] if out else None
        if (
            last is not None
            and a0 <= last[1] + FRAGMENT_GAP
            and b0 <= last[3] + FRAGMENT_GAP
            and b1 >= last[2] - FRAGMENT_GAP
        ):
            last[1], last[2], last[3] = max(last[1], a1), min(last[2], b0), max(last[3], b1)
        else:
            out.append([a0, a1, b0, b1])
    return [Fragment((a0, a1), (b0, b1)) for a0, a1, b0, b1 in out]


def fragments(
    a: Iterable[Fingerprint], b: Iterable[Fingerprint], shared: Iterable[int] | None = None
) -> list[Fragment]:
    """Return the line ranges of `a` and `b` that share fingerprints (only those in `shared` when given)."""
    left, right = _by_hash(a), _by_hash(b)
    keys = set(left) & set(right) if shared is None else set(shared) & set(left) & set(right)
    spans = [(x.start, x.end, y.start, y.end) for h in keys for x in left[h] for y in right[h]]
    return _join(spans)


def score(shared: int, size_a: int, size_b: int) -> float:
    """Return the similarity of two documents: shared fingerprints over the mean of their sizes (Dice), 0-1."""
    if size_a < MIN_FINGERPRINTS or size_b < MIN_FINGERPRINTS:
        return 0.0
    return min(1.0, 2 * shared / (size_a + size_b))


def compare(
    a: str,
    b: str,
    *,
    ignore: Iterable[int] = (),
    k: int = DEFAULT_K,
    window: int = DEFAULT_WINDOW,
    names: tuple[str, str],
) -> Pair:
    """Return how similar two sources are, with their matching fragments (hashes in `ignore` do not count)."""
    skipped = frozenset(ignore)
    fa = fingerprints(a, k=k, window=window, ignore=skipped)
    fb = fingerprints(b, k=k, window=window, ignore=skipped)
    ha, hb = {f.hash for f in fa}, {f.hash for f in fb}
    shared = ha & hb
    return Pair(names[0], names[1], score(len(shared), len(ha), len(hb)), tuple(fragments(fa, fb, shared)))


def common_limit(documents: int) -> int:
    """Return in how many of `documents` a fingerprint may occur before it counts as common scaffolding."""
    if documents < COMMON_MIN_DOCUMENTS:
        return documents
    return max(COMMON_MIN_DOCUMENTS, min(int(COMMON_SHARE * documents), COMMON_MAX_DOCUMENTS))


def _rare(mine: list[Fingerprint], frequency: Mapping[int, int], limit: int) -> tuple[set[int], set[int]]:
    own = {fp.hash for fp in mine}
    common = {h for h in own if frequency.get(h, 0) > limit}
    return own - common, common


def promising(
    mine: list[Fingerprint],
    postings: Mapping[str, list[Fingerprint]],
    *,
    frequency: Mapping[int, int],
    limit: int,
    threshold: float,
) -> list[str]:
    """Return the earlier documents that share enough of `mine` to reach `threshold` if they were no larger."""
    rare, _ = _rare(mine, frequency, limit)
    out = []
    for other, theirs in postings.items():
        shared = len(rare & {fp.hash for fp in theirs})
        if shared and 2 * shared >= threshold * (len(rare) + shared):
            out.append(other)
    return out


def match_postings(
    name: str,
    mine: list[Fingerprint],
    postings: Mapping[str, list[Fingerprint]],
    *,
    sizes: Mapping[str, int],
    frequency: Mapping[int, int],
    limit: int,
    threshold: float,
) -> list[Pair]:
    """Return the earlier documents at least `threshold` similar to `mine`, most similar first.

    `postings` holds, per earlier document, its fingerprints that share a hash with `mine`; `sizes` its number of
    distinct fingerprints (documents without a size are not scored); `frequency` in how many earlier documents
    each hash occurs: those in more than `limit` are common and count on neither side.
    """
    rare, common = _rare(mine, frequency, limit)
    found = []
    for other, theirs in postings.items():
        if other not in sizes:
            continue
        hashes = {fp.hash for fp in theirs}
        shared = rare & hashes
        # Common fingerprints count on neither side; those of the other it shares with no one here stay counted.
        similarity = score(len(shared), len(rare), sizes[other] - len(hashes & common))
        if shared and similarity >= threshold:
            found.append(Pair(name, other, similarity, tuple(fragments(mine, theirs, shared))))
    return sorted(found, key=lambda p: (-p.similarity, p.b))


@dataclass
class SimilarityIndex:
    """The fingerprints of one exercise's documents, indexed by hash, so that a new one meets only its matches.

    Adding a document costs the length of the posting lists of its own fingerprints, not the size of the corpus:
    fingerprints common to more than `COMMON_SHARE` of the documents are left out of the comparison (and their
    lists are not walked), as is the starter code given as `ignore`.
    """

    ignore: frozenset[int] = frozenset()
    k: int = DEFAULT_K
    window: int = DEFAULT_WINDOW
    documents: dict[str, dict[int, list[Fingerprint]]] = field(default_factory=dict)
    postings: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def common_limit(self) -> int:
        """Return how many documents a fingerprint may occur in before it counts as common scaffolding."""
        return common_limit(len(self.documents))

    def _scores(self, mine: dict[int, list[Fingerprint]]) -> Counter[str]:
        limit = self.common_limit()
        counts: Counter[str] = Counter()
        for h in mine:
            names = self.postings.get(h, ())
            if len(names) <= limit:
                counts.update(names)
        return counts

    def _pair(self, a: str, b: str, similarity: float, limit: int) -> Pair:
        mine, theirs = self.documents[a], self.documents[b]
        keys = [h for h in mine if h in theirs and len(self.postings.get(h, ())) <= limit]
        prints_a = [fp for h in keys for fp in mine[h]]
        prints_b = [fp for h in keys for fp in theirs[h]]
        return Pair(a, b, similarity, tuple(fragments(prints_a, prints_b)))

    def add(self, name: str, source: str, *, threshold: float | None = None) -> list[Pair]:
        """Index `source` as `name`; return the earlier documents at least `threshold` similar (none without one).

        Scores as `match_postings` does over the database, so that the two agree.
        """
        if name in self.documents:
            raise ValueError(f"{name!r} is indexed already")
        mine = _by_hash(fingerprints(source, k=self.k, window=self.window, ignore=self.ignore))
        limit = self.common_limit()
        found = []
        if threshold is not None:
            common = {h for h in mine if len(self.postings.get(h, ())) > limit}
            own_size = len(mine) - len(common)
            for other, shared in self._scores(mine).items():
                if 2 * shared < threshold * (own_size + shared):  # even at its smallest, the other is too big
                    continue
                size = len(self.documents[other]) - sum(h in self.documents[other] for h in common)
                similarity = score(shared, own_size, size)
                if similarity >= max(threshold, 1e-9):
                    found.append((other, similarity))
        self.documents[name] = mine
        pairs = [self._pair(name, other, similarity, limit) for other, similarity in found]
        for h in mine:
            self.postings[h].append(name)
        return sorted(pairs, key=lambda p: (-p.similarity, p.b))

    def pairs(self, *, threshold: float) -> list[Pair]:
        """Return every pair of indexed documents at least `threshold` similar, most similar first.

        Fingerprints common to more than `common_limit` documents count neither as shared nor in the sizes.
        """
        limit = self.common_limit()
        seen: Counter[tuple[str, str]] = Counter()
        for names in self.postings.values():
            if len(names) > limit or len(names) < 2:
                continue
            seen.update(combinations(names, 2))  # counted in C: the bulk of the work
        sizes = {name: sum(len(self.postings[h]) <= limit for h in prints) for name, prints in self.documents.items()}
        out = []
        for (a, b), shared in seen.items():
            similarity = score(shared, sizes[a], sizes[b])
            if similarity >= max(threshold, 1e-9):
                out.append(self._pair(a, b, similarity, limit))
        return sorted(out, key=lambda p: (-p.similarity, p.a, p.b))


def similar_pairs(
    sources: Mapping[str, str], *, threshold: float, starter: str = "", k: int = DEFAULT_K, window: int = DEFAULT_WINDOW
) -> list[Pair]:
    """Return every pair of `sources` (name -> code) at least `threshold` similar, most similar first.

    The starter code's k-grams are subtracted, and fingerprints most of the documents share count as scaffolding.
    """
    index = SimilarityIndex(ignore=boilerplate(starter, k=k), k=k, window=window)
    for name in sorted(sources):
        index.add(name, sources[name])
    return index.pairs(threshold=threshold)
