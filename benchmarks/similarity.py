"""Similarity at scale: index 1,000 submissions of one exercise and find every similar pair; the cost of one more.

Run: python benchmarks/similarity.py [--submissions N] [--sizes 100,1000,10000] [--no-db]

Submissions are synthetic programs of 25-40 statements drawn from varied statement shapes (library calls,
loops, conditions), so that independent ones share little, like honest solutions; one in twenty is a disguised copy
(renamed, re-laid-out, reordered) of an earlier one. The first figure is the wall time to index N submissions and
list every pair at least as similar as the threshold, with the share of planted copies found. The second is the
cost of adding one submission (fingerprinting it, finding the earlier ones it resembles, indexing it) to an index
of 100, 1,000 and 10,000: in memory, and through the database as the background job does it (SQLite).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mlscreen.integrity.similarity import SimilarityIndex
from mlscreen.integrity.variants import disguises

THRESHOLD = 0.4
CALLS = (
    "mean",
    "sum",
    "fillna",
    "median",
    "dropna",
    "astype",
    "reshape",
    "argsort",
    "cumsum",
    "clip",
    "copy",
    "sort_values",
    "groupby",
    "merge",
    "isna",
    "std",
    "max",
    "min",
    "round",
    "tolist",
    "unique",
    "apply",
)
SHAPES = (
    "{v} = {w}.{c}()",
    "{v} = {w}.{c}({n})",
    "{v} = np.{c}({w}, axis={n})",
    "{v} = [{w} * {n} for {i} in range({n})]",
    "{v} = {w} + {u} * {n}",
    "{v} = {{{s}: {w}.{c}()}}",
    "{v} = len({w}) - {n}",
    "{v} = sorted({w}, key=lambda {i}: {i}[{n}])",
    "{v}.append({w}.{c}())",
    "{v} = {w}[{w} > {n}].{c}()",
    "{v} = max({w}, {u}) if {w} else {n}",
    "{v} = dict(zip({w}, {u}))",
)
BLOCKS = (
    "for {i} in range(len({w})):\n        {v} += {w}[{i}] * {n}",
    "if {w}.{c}() > {n}:\n        {v} = {u}.{c}()",
    "while {v} < {n}:\n        {v} += {w}.{c}()",
    "try:\n        {v} = {w}.{c}()\n    except ValueError:\n        {v} = {n}",
)
NAMES = ("x", "y", "df", "out", "res", "acc", "tmp", "rows", "cols", "vals", "total", "frame", "data", "arr")


def synthetic(rng: random.Random) -> str:
    """Return one made-up solution: a function of 25-40 statements."""
    lines = ["import numpy as np", "", "", "def solve(data, k=3):"]
    for _ in range(rng.randint(25, 40)):
        shape = rng.choice(BLOCKS) if rng.random() < 0.2 else rng.choice(SHAPES)
        fields = {
            "v": rng.choice(NAMES),
            "w": rng.choice(NAMES),
            "u": rng.choice(NAMES),
            "i": rng.choice("ijk"),
            "c": rng.choice(CALLS),
            "n": rng.randint(0, 9),
            "s": repr(rng.choice(NAMES)),
        }
        lines.append("    " + shape.format(**fields))
    lines.append("    return out")
    return "\n".join(lines) + "\n"


def corpus(n: int, *, seed: int = 1, copy_share: float = 0.05) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Return n submissions by name and the planted (copy, original) pairs."""
    rng = random.Random(seed)
    sources: dict[str, str] = {}
    planted: set[tuple[str, str]] = set()
    for k in range(n):
        name = f"s{k:05d}.py"
        if sources and rng.random() < copy_share:
            original = rng.choice(sorted(sources))
            level = rng.choice(["L1-layout", "L2-renamed", "L3-reordered"])
            sources[name] = disguises(sources[original], seed=k)[level]
            planted.add((min(name, original), max(name, original)))
        else:
            sources[name] = synthetic(rng)
    return sources, planted


def all_pairs(n: int) -> None:
    sources, planted = corpus(n)
    start = time.perf_counter()
    index = SimilarityIndex()
    for name in sorted(sources):
        index.add(name, sources[name])
    pairs = index.pairs(threshold=THRESHOLD)
    took = time.perf_counter() - start
    found = {(p.a, p.b) for p in pairs}
    print(f"{n} submissions indexed and all {len(pairs)} pairs >= {THRESHOLD} found in {took:.2f} s (target: < 10 s)")
    print(f"  planted copies found: {len(found & planted)}/{len(planted)}; other pairs listed: {len(found - planted)}")


def add_in_memory(size: int, probes: int = 50) -> float:
    sources, _ = corpus(size + probes, seed=size)
    names = sorted(sources)
    index = SimilarityIndex()
    for name in names[:size]:
        index.add(name, sources[name])
    times = []
    for name in names[size:]:
        start = time.perf_counter()
        index.add(name, sources[name], threshold=THRESHOLD)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def add_through_database(size: int, probes: int = 20) -> float:
    from sqlalchemy import insert

    from mlscreen.integrity.fingerprint import fingerprints
    from mlscreen.jobs.handlers import index_similarity
    from mlscreen.store.db import Database
    from mlscreen.store.models import (
        Candidate,
        Invite,
        Opening,
        SimilarityDocument,
        SimilarityFingerprint,
        SimilarityHash,
        Submission,
    )

    sources, _ = corpus(size + probes, seed=size)
    names = sorted(sources)
    exercise = "synthetic"
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.create_all()
        with db.session() as s:
            opening = Opening(title="Bench", profile_id="ml-engineer")
            s.add(opening)
            s.flush()
            cand = Candidate(opening_id=opening.id, name="Bench", email="bench@example.org")
            s.add(cand)
            s.flush()
            expires = datetime.now(UTC) + timedelta(days=1)
            invite = Invite(candidate_id=cand.id, stage_position=0, token_hash="bench", expires_at=expires)
            s.add(invite)
            s.flush()
            rows = [
                {"invite_id": invite.id, "candidate_id": cand.id, "exercise_id": exercise, "source": sources[n]}
                for n in names
            ]
            s.execute(insert(Submission), rows)
            ids = list(range(1, len(names) + 1))
            prints, docs = [], []
            held: Counter[int] = Counter()
            for sub_id, name in zip(ids[:size], names[:size], strict=True):
                found = fingerprints(sources[name])
                distinct = {f.hash for f in found}
                held.update(distinct)
                docs.append({"submission_id": sub_id, "exercise_id": exercise, "fingerprints": len(distinct)})
                prints += [
                    {
                        "submission_id": sub_id,
                        "exercise_id": exercise,
                        "hash": f.hash,
                        "start_line": f.start,
                        "end_line": f.end,
                    }
                    for f in found
                ]
            s.execute(insert(SimilarityDocument), docs)
            s.execute(insert(SimilarityFingerprint), prints)
            counts = [{"exercise_id": exercise, "hash": h, "documents": n} for h, n in held.items()]
            s.execute(insert(SimilarityHash), counts)
        times = []
        for sub_id in ids[size:]:
            start = time.perf_counter()
            index_similarity(db, {"submission_id": sub_id})
            times.append(time.perf_counter() - start)
        db.dispose()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--no-db", action="store_true", help="only the in-memory index")
    args = parser.parse_args()
    all_pairs(args.submissions)
    print("cost of adding one submission (median):")
    for size in (int(s) for s in args.sizes.split(",")):
        line = f"  to {size:6d}: in memory {add_in_memory(size):6.2f} ms"
        if not args.no_db:
            line += f", through the database {add_through_database(size):6.2f} ms"
        print(line, flush=True)


if __name__ == "__main__":
    main()
