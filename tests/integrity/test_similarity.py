"""The index finds the pairs a comparison of every pair finds, without the starter code or common scaffolding."""

from __future__ import annotations

import itertools
import random

from mlscreen.integrity.fingerprint import fingerprints
from mlscreen.integrity.similarity import (
    COMMON_MIN_DOCUMENTS,
    SimilarityIndex,
    boilerplate,
    common_limit,
    compare,
    match_postings,
    similar_pairs,
)

STARTER = '''import numpy as np


def normalise(rows, *, axis=0):
    """Scale each column to zero mean and unit variance."""
    raise NotImplementedError
'''

SOLUTIONS = {
    "loops.py": """import numpy as np


def normalise(rows, *, axis=0):
    data = np.asarray(rows, dtype=float)
    means = []
    for j in range(data.shape[1]):
        means.append(sum(data[:, j]) / len(data))
    spread = data.std(axis=0)
    spread[spread == 0] = 1.0
    return (data - np.array(means)) / spread
""",
    "vector.py": """import numpy as np


def normalise(rows, *, axis=0):
    x = np.array(rows, dtype=np.float64)
    centred = x - x.mean(axis=axis, keepdims=True)
    scale = np.where(centred.std(axis=axis, keepdims=True) > 0, centred.std(axis=axis, keepdims=True), 1)
    return centred / scale
""",
    "sklearn.py": """import numpy as np
from sklearn.preprocessing import StandardScaler


def normalise(rows, *, axis=0):
    if axis != 0:
        return StandardScaler().fit_transform(np.asarray(rows).T).T
    return StandardScaler().fit_transform(np.asarray(rows))
""",
}
COPY = """import numpy as np


def normalise(table, *, axis=0):
    # my own work
    d = np.asarray(table, dtype=float)
    mu = []
    for k in range(d.shape[1]):
        mu.append(sum(d[:, k]) / len(d))
    s = d.std(axis=0)
    s[s == 0] = 1.0
    return (d - np.array(mu)) / s
"""


def test_a_disguised_copy_pairs_with_its_original_and_nothing_else() -> None:
    pairs = similar_pairs({**SOLUTIONS, "copy.py": COPY}, threshold=0.4, starter=STARTER)
    assert [(p.a, p.b) for p in pairs] == [("copy.py", "loops.py")]
    assert pairs[0].similarity > 0.9
    fragment = pairs[0].fragments[0]
    assert fragment.a_lines[0] >= 4 and fragment.b_lines[0] >= 4  # the import is the starter's: not counted


def test_the_starter_code_alone_is_similar_to_nothing() -> None:
    body = "    return np.asarray(rows)\n"
    sources = {"a.py": STARTER.replace("    raise NotImplementedError\n", body), "b.py": STARTER}
    assert similar_pairs(sources, threshold=0.01, starter=STARTER) == []
    assert similar_pairs(sources, threshold=0.01, starter="") != []  # without subtraction the shared code counts


def test_the_index_finds_the_same_pairs_as_comparing_every_pair() -> None:
    rng = random.Random(7)
    calls = ("mean", "sum", "max", "min", "std", "copy", "cumsum", "argsort")
    shapes = (
        "    v = data.{}()\n",
        "    v = len(data.{}()) + 1\n",
        "    v.append(data.{}(axis=0))\n",
        "    v = [data.{}()]\n",
    )
    lines = [shape.format(call) for shape in shapes for call in calls]
    sources = {}
    for n in range(12):
        picked = rng.sample(lines, 14)
        sources[f"s{n}.py"] = "def solve(data):\n" + "".join(picked) + "    return data\n"
    ignore = boilerplate(STARTER)
    index = SimilarityIndex(ignore=ignore)
    for name in sorted(sources):
        index.add(name, sources[name])
    # Below COMMON_MIN_DOCUMENTS documents nothing is common; here every fingerprint may count.
    index_pairs = {(p.a, p.b): round(p.similarity, 6) for p in index.pairs(threshold=0.05)}
    assert len(sources) >= COMMON_MIN_DOCUMENTS
    limit = index.common_limit()
    common = {h for h, names in index.postings.items() if len(names) > limit}
    brute = {}
    for a, b in itertools.combinations(sorted(sources), 2):
        pair = compare(sources[a], sources[b], ignore=ignore | common, names=(a, b))
        fa = {f.hash for f in fingerprints(sources[a], ignore=ignore)}
        fb = {f.hash for f in fingerprints(sources[b], ignore=ignore)}
        similarity = 0.0  # common fingerprints count neither as shared nor in the sizes
        if fa - common and fb - common:
            similarity = 2 * len(fa & fb - common) / (len(fa - common) + len(fb - common))
        if similarity >= 0.05 and pair.fragments:
            brute[(a, b)] = round(similarity, 6)
    assert index_pairs == brute and len(brute) > 5


def test_fingerprints_most_documents_share_count_as_scaffolding() -> None:
    scaffold = "".join(f"    check_{i}(data, {i})\n" for i in range(12))
    sources = {f"s{n}.py": f"def solve(data):\n{scaffold}    return data.{'abcdefghijkl'[n]}()\n" for n in range(12)}
    assert similar_pairs(sources, threshold=0.01) == []  # all of them share it: not evidence of copying
    few = dict(list(sources.items())[:3])
    assert len(similar_pairs(few, threshold=0.5)) == 3  # too few documents to tell scaffolding from copying


def test_adding_returns_the_earlier_similar_documents_as_matching_the_stored_postings_does() -> None:
    index = SimilarityIndex(ignore=boilerplate(STARTER))
    for name in sorted(SOLUTIONS):
        index.add(name, SOLUTIONS[name])
    found = index.add("copy.py", COPY, threshold=0.4)
    assert [(p.a, p.b) for p in found] == [("copy.py", "loops.py")]
    mine = fingerprints(COPY, ignore=index.ignore)
    postings = {
        name: [fp for prints in doc.values() for fp in prints if fp.hash in {m.hash for m in mine}]
        for name, doc in index.documents.items()
        if name != "copy.py"
    }
    sizes = {name: len(doc) for name, doc in index.documents.items()}
    frequency = {h: len(names) for h, names in index.postings.items()}
    stored = match_postings(
        "copy.py", mine, postings, sizes=sizes, frequency=frequency, limit=common_limit(len(SOLUTIONS)), threshold=0.4
    )
    assert [(p.b, round(p.similarity, 6), p.fragments) for p in stored] == [
        (p.b, round(p.similarity, 6), p.fragments) for p in found
    ]
