"""The similarity index in the database (SQLite and PostgreSQL): the job, bounded lookups, and forgetting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from mlscreen.bank import Bank, Exercise
from mlscreen.integrity.fingerprint import fingerprints
from mlscreen.integrity.variants import disguises
from mlscreen.jobs.handlers import index_similarity
from mlscreen.store import similarity
from mlscreen.store.db import Database
from mlscreen.store.models import (
    Candidate,
    Invite,
    Opening,
    SimilarityDocument,
    SimilarityFingerprint,
    SimilarityHash,
    SimilarityMatch,
    Submission,
    utcnow,
)

EXERCISE = "streaming-batcher"


def add_submissions(db: Database, sources: list[str], exercise: str = EXERCISE) -> list[tuple[int, int]]:
    """Store one candidate per source with that submission; return (candidate id, submission id) each."""
    out = []
    with db.session() as s:
        opening = Opening(title="Opening", profile_id="ml-engineer")
        s.add(opening)
        s.flush()
        for n, source in enumerate(sources):
            cand = Candidate(opening_id=opening.id, name=f"C{n}", email=f"c{n}@example.org")
            s.add(cand)
            s.flush()
            invite = Invite(
                candidate_id=cand.id, stage_position=0, token_hash=f"t{n}", expires_at=utcnow() + timedelta(days=1)
            )
            s.add(invite)
            s.flush()
            sub = Submission(invite_id=invite.id, candidate_id=cand.id, exercise_id=exercise, source=source)
            s.add(sub)
            s.flush()
            out.append((cand.id, sub.id))
    return out


def test_the_job_matches_a_copy_with_its_original_and_the_reference(database: Database, bank: Bank) -> None:
    corpus = bank.sidecar(EXERCISE, "similarity")
    honest = (corpus / "honest_flush.py").read_text(encoding="utf-8")
    other = (corpus / "honest_class.py").read_text(encoding="utf-8")
    reference = bank.sidecar(EXERCISE, bank.get(EXERCISE, Exercise).reference).read_text(encoding="utf-8")
    ids = add_submissions(database, [honest, other, disguises(honest, seed=3)["L3-reordered"], reference])
    for _, sub_id in ids:
        assert index_similarity(database, {"submission_id": sub_id})["indexed"]
    assert index_similarity(database, {"submission_id": ids[2][1]})["indexed"] is False  # once only
    with database.session() as s:
        rows = {(m.submission_id, m.other_submission_id, m.known) for m in s.scalars(select(SimilarityMatch))}
        views = similarity.similar_to(s, ids[0][1], all_openings=False)
    assert rows == {(ids[2][1], ids[0][1], None), (ids[3][1], None, "reference")}
    assert [(v.direction, v.other_submission_id) for v in views] == [("later", ids[2][1])]
    assert views[0].shown and any(line.marked for line in views[0].mine) and views[0].theirs


def test_a_hash_common_to_more_documents_than_the_limit_is_not_fetched(database: Database) -> None:
    common = "def batch_requests(requests, *, max_size, max_tokens, oversized='alone'):\n"
    common += "".join(f"    check_{i}(requests, max_size, max_tokens)\n" for i in range(8))
    sources = [common + f"    return v{i} + {i}\n" for i in range(6)]
    ids = add_submissions(database, sources)
    hashes = set.intersection(*({fp.hash for fp in fingerprints(source)} for source in sources))
    with database.session() as s:
        for _, sub_id in ids:
            item = similarity.to_index(s, sub_id)
            assert item is not None
            similarity.save_index(s, item, fingerprints(item.source), [], None)
    with database.session() as s:
        assert similarity.document_count(s, EXERCISE) == 6
        capped = similarity.postings(s, EXERCISE, hashes, exclude=ids[0][1], limit=3)
        wide = similarity.postings(s, EXERCISE, hashes, exclude=ids[0][1], limit=10)
    assert capped.by_document == {} and set(capped.frequency.values()) == {4}
    assert len(wide.by_document) == 5 and set(wide.frequency.values()) == {6}  # counts every indexed one


def test_forgetting_a_candidate_removes_their_fingerprints_and_every_match_naming_them(
    database: Database, bank: Bank
) -> None:
    reference = bank.sidecar(EXERCISE, "reference.py").read_text(encoding="utf-8")
    ids = add_submissions(database, [reference, disguises(reference, seed=1)["L2-renamed"]])
    for _, sub_id in ids:
        index_similarity(database, {"submission_id": sub_id})
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(SimilarityMatch)) == 3  # each ~ reference, copy ~ original
        assert similarity.forget(s, ids[0][0]) > 0
    with database.session() as s:
        left = {(m.submission_id, m.other_submission_id) for m in s.scalars(select(SimilarityMatch))}
        assert left == {(ids[1][1], None)}  # only the copy's match with the reference remains
        assert s.scalar(select(func.count()).where(SimilarityFingerprint.submission_id == ids[0][1])) == 0
        assert s.get(SimilarityDocument, ids[0][1]) is None and s.get(SimilarityDocument, ids[1][1]) is not None
        counts = set(s.scalars(select(SimilarityHash.documents)))
        assert counts == {1}  # the copy's own fingerprints, each held by one submission now


def test_submissions_saved_before_indexing_are_queued_once_and_indexed_by_the_workers(
    database: Database, bank: Bank
) -> None:
    from mlscreen.jobs.handlers import default_handlers
    from mlscreen.jobs.local import LocalQueue

    reference = bank.sidecar(EXERCISE, "reference.py").read_text(encoding="utf-8")
    ids = add_submissions(database, [reference, disguises(reference, seed=2)["L1-layout"], "print('hi')\n"])
    assert index_similarity(database, {"submission_id": ids[0][1]})["indexed"]
    with database.session() as s:
        assert similarity.queue_unindexed(s) == 2
    queue = LocalQueue(database, default_handlers(), workers=0)
    while queue.run_one("test"):
        pass
    with database.session() as s:
        assert similarity.indexed(s, [sub for _, sub in ids]) == {sub for _, sub in ids}
        assert similarity.queue_unindexed(s) == 0
        copy = similarity.similar_to(s, ids[1][1], all_openings=True)
    # the copy shows beside its original, and beside the exercise's own code it came from
    assert [(v.direction, v.other_submission_id) for v in copy if v.direction != "known"] == [("earlier", ids[0][1])]
    assert [v.known for v in copy if v.direction == "known"] in (["reference"], ["must-fail:wrong_drops_last.py"])
