"""Similarity across submissions in the database: the fingerprint index, the matches found, and what pages show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, distinct, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mlscreen.integrity.calibration import threshold_of
from mlscreen.integrity.fingerprint import Fingerprint
from mlscreen.integrity.similarity import Pair
from mlscreen.store.models import (
    Candidate,
    Job,
    SimilarityDocument,
    SimilarityFingerprint,
    SimilarityHash,
    SimilarityMatch,
    Submission,
)

JOB_KIND = "similarity"
"""The job that indexes a submission and records its matches."""
MAX_MATCHES = 10
"""At most this many earlier submissions are recorded per submission (the most similar)."""
_HASH_BATCH = 500


@dataclass(frozen=True)
class IndexInput:
    """A submission waiting to be indexed: its code and exercise."""

    submission_id: int
    exercise_id: str
    source: str


@dataclass(frozen=True)
class Postings:
    """Earlier documents sharing a new submission's fingerprints, and in how many documents each of them occurs.

    A hash found in more than the limit asked for is left out of `by_document` and has the frequency limit + 1.
    """

    by_document: dict[str, list[Fingerprint]]
    frequency: dict[int, int]


def to_index(db: Session, submission_id: int) -> IndexInput | None:
    """Return the submission to index, or None when it is gone or indexed already."""
    sub = db.get(Submission, submission_id)
    if sub is None or db.get(SimilarityDocument, submission_id) is not None:
        return None
    return IndexInput(sub.id, sub.exercise_id, sub.source)


def document_count(db: Session, exercise_id: str) -> int:
    """Return how many submissions of `exercise_id` are indexed."""
    query = select(func.count()).select_from(SimilarityDocument).where(SimilarityDocument.exercise_id == exercise_id)
    return int(db.scalar(query) or 0)


def postings(db: Session, exercise_id: str, hashes: Iterable[int], *, exclude: int, limit: int) -> Postings:
    """Return the indexed documents of `exercise_id` (not `exclude`) sharing any of `hashes`, by submission id.

    How many documents hold each hash is read from `similarity_hashes` first; only the hashes held by at most
    `limit` documents are fetched, so a hash common to thousands of submissions costs nothing more: the cost of
    a new submission does not grow with the corpus.
    """
    wanted = sorted(set(hashes))
    counts: dict[int, int] = {}
    for start in range(0, len(wanted), _HASH_BATCH):
        query = select(SimilarityHash.hash, SimilarityHash.documents).where(
            SimilarityHash.exercise_id == exercise_id, SimilarityHash.hash.in_(wanted[start : start + _HASH_BATCH])
        )
        counts |= {int(h): int(n) for h, n in db.execute(query)}
    frequency = {h: min(counts.get(h, 0), limit + 1) for h in wanted}
    rare = [h for h in wanted if 0 < frequency[h] <= limit]
    by_document: dict[str, list[Fingerprint]] = defaultdict(list)
    columns = (
        SimilarityFingerprint.submission_id,
        SimilarityFingerprint.hash,
        SimilarityFingerprint.start_line,
        SimilarityFingerprint.end_line,
    )
    for start in range(0, len(rare), _HASH_BATCH):
        rows = select(*columns).where(
            SimilarityFingerprint.exercise_id == exercise_id,
            SimilarityFingerprint.hash.in_(rare[start : start + _HASH_BATCH]),
            SimilarityFingerprint.submission_id != exclude,
        )
        for sub_id, h, first, last in db.execute(rows):
            by_document[str(sub_id)].append(Fingerprint(int(h), int(first), int(last)))
    return Postings(dict(by_document), frequency)


def _count_hashes(db: Session, exercise_id: str, hashes: set[int]) -> None:
    """Add one document to the count of each of `hashes` (an upsert, safe against a concurrent writer)."""
    if not hashes:
        return
    dialect = db.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    rows = [{"exercise_id": exercise_id, "hash": h, "documents": 1} for h in sorted(hashes)]
    statement = insert(SimilarityHash).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["exercise_id", "hash"], set_={"documents": SimilarityHash.documents + 1}
    )
    db.execute(statement)


def sizes(db: Session, submission_ids: Iterable[str]) -> dict[str, int]:
    """Return the number of distinct fingerprints of each indexed submission named (by id, as text)."""
    ids = sorted({int(i) for i in submission_ids})
    out: dict[str, int] = {}
    for start in range(0, len(ids), _HASH_BATCH):
        query = select(SimilarityDocument.submission_id, SimilarityDocument.fingerprints).where(
            SimilarityDocument.submission_id.in_(ids[start : start + _HASH_BATCH])
        )
        out |= {str(sub_id): int(n) for sub_id, n in db.execute(query)}
    return out


def save_index(db: Session, item: IndexInput, prints: list[Fingerprint], pairs: list[Pair], known: Pair | None) -> bool:
    """Store the submission's fingerprints and matches (pairs name earlier submissions by id); False if done already."""
    if db.get(SimilarityDocument, item.submission_id) is not None or db.get(Submission, item.submission_id) is None:
        return False
    db.add(
        SimilarityDocument(
            submission_id=item.submission_id,
            exercise_id=item.exercise_id,
            fingerprints=len({fp.hash for fp in prints}),
        )
    )
    db.add_all(
        SimilarityFingerprint(
            submission_id=item.submission_id,
            exercise_id=item.exercise_id,
            hash=fp.hash,
            start_line=fp.start,
            end_line=fp.end,
        )
        for fp in prints
    )
    _count_hashes(db, item.exercise_id, {fp.hash for fp in prints})
    live = set(db.scalars(select(Submission.id).where(Submission.id.in_([int(p.b) for p in pairs]))))
    for pair in pairs[:MAX_MATCHES]:
        if int(pair.b) in live:
            db.add(_match(item.submission_id, pair, other=int(pair.b)))
    if known is not None:
        db.add(_match(item.submission_id, known, known=known.b))
    db.flush()
    return True


def _match(submission_id: int, pair: Pair, *, other: int | None = None, known: str | None = None) -> SimilarityMatch:
    return SimilarityMatch(
        submission_id=submission_id,
        other_submission_id=other,
        known=known,
        similarity=round(pair.similarity, 4),
        fragments=[f.to_json() for f in pair.fragments],
    )


def forget(db: Session, candidate_id: int) -> int:
    """Remove the candidate's submissions from the index and every match naming them; return how many rows went."""
    ids = select(Submission.id).where(Submission.candidate_id == candidate_id)
    held = db.execute(
        select(SimilarityFingerprint.exercise_id, SimilarityFingerprint.hash, func.count(distinct(Submission.id)))
        .join(Submission, Submission.id == SimilarityFingerprint.submission_id)
        .where(Submission.candidate_id == candidate_id)
        .group_by(SimilarityFingerprint.exercise_id, SimilarityFingerprint.hash)
    ).all()
    for exercise_id, h, n in held:
        db.execute(
            update(SimilarityHash)
            .where(SimilarityHash.exercise_id == exercise_id, SimilarityHash.hash == h)
            .values(documents=SimilarityHash.documents - n)
        )
    removed = 0
    for statement in (
        delete(SimilarityHash).where(SimilarityHash.documents <= 0),
        delete(SimilarityMatch).where(
            or_(SimilarityMatch.submission_id.in_(ids), SimilarityMatch.other_submission_id.in_(ids))
        ),
        delete(SimilarityFingerprint).where(SimilarityFingerprint.submission_id.in_(ids)),
        delete(SimilarityDocument).where(SimilarityDocument.submission_id.in_(ids)),
    ):
        removed += int(db.execute(statement).rowcount or 0)  # type: ignore[attr-defined]
    return removed


# ---------------------------------------------------------------------------------------------------- what pages show
@dataclass(frozen=True)
class CodeLine:
    """A line of code on a page, marked when it lies in a matching fragment."""

    number: int
    text: str
    marked: bool


@dataclass(frozen=True)
class SimilarSubmission:
    """A submission's match as a page shows it: the other side (an earlier or later submission, or the exercise's
    own code), the similarity, and both codes with the matching lines marked when the viewer may read the other."""

    submission_id: int
    candidate_id: int
    candidate_name: str
    exercise_id: str
    similarity: float
    direction: str
    """"earlier" or "later" (another submission), or "known" (the exercise's reference or a must-fail variant)."""
    known: str | None
    other_submission_id: int | None
    other_candidate_id: int | None
    other_candidate_name: str | None
    other_opening_id: int | None
    shown: bool
    """Whether the viewer may read the other submission (same opening, or an admin)."""
    mine: list[CodeLine] = field(default_factory=list)
    theirs: list[CodeLine] = field(default_factory=list)


@dataclass(frozen=True)
class ExerciseAdvice:
    """How far to trust an exercise's similarity: its threshold and whether honest solutions are alike anyway."""

    exercise_id: str
    threshold: float
    calibrated: bool
    inherently_similar: bool


def advice_for(exercise_id: str) -> ExerciseAdvice:
    """Return the exercise's calibrated threshold and whether its honest solutions are inherently similar."""
    stored = threshold_of(exercise_id)
    return ExerciseAdvice(exercise_id, stored.threshold, stored.calibrated, stored.inherently_similar)


def _lines(source: str, ranges: Iterable[tuple[int, int]]) -> list[CodeLine]:
    spans = list(ranges)
    return [
        CodeLine(n, text, any(a <= n <= b for a, b in spans)) for n, text in enumerate(source.splitlines(), start=1)
    ]


def _view(
    match: SimilarityMatch, mine: Submission, other: Submission | None, *, flipped: bool, all_openings: bool
) -> SimilarSubmission:
    mine_key, theirs_key = ("b_lines", "a_lines") if flipped else ("a_lines", "b_lines")
    same_opening = other is not None and other.invite.candidate.opening_id == mine.invite.candidate.opening_id
    shown = other is not None and (all_openings or same_opening)
    direction = "known" if other is None else ("later" if flipped else "earlier")
    return SimilarSubmission(
        submission_id=mine.id,
        candidate_id=mine.candidate_id,
        candidate_name=mine.invite.candidate.name,
        exercise_id=mine.exercise_id,
        similarity=match.similarity,
        direction=direction,
        known=match.known,
        other_submission_id=other.id if other is not None else None,
        other_candidate_id=other.candidate_id if shown and other is not None else None,
        other_candidate_name=other.invite.candidate.name if shown and other is not None else None,
        other_opening_id=other.invite.candidate.opening_id if shown and other is not None else None,
        shown=shown,
        mine=_lines(mine.source, (tuple(f[mine_key]) for f in match.fragments)),
        theirs=_lines(other.source, (tuple(f[theirs_key]) for f in match.fragments)) if shown and other else [],
    )


def _views(
    db: Session, matches: Iterable[SimilarityMatch], mine_ids: set[int], *, all_openings: bool
) -> list[SimilarSubmission]:
    rows = list(matches)
    wanted = {m.submission_id for m in rows} | {m.other_submission_id for m in rows if m.other_submission_id}
    subs = {s.id: s for s in db.scalars(select(Submission).where(Submission.id.in_(wanted)))}
    out = []
    for m in rows:
        flipped = m.submission_id not in mine_ids
        mine = subs[m.other_submission_id if flipped and m.other_submission_id else m.submission_id]
        other = subs.get(m.submission_id) if flipped else subs.get(m.other_submission_id or -1)
        if advice_for(mine.exercise_id).inherently_similar and other is not None:
            continue  # honest solutions are alike here: the page says so instead of listing pairs
        out.append(_view(m, mine, other, flipped=flipped, all_openings=all_openings))
    return sorted(out, key=lambda v: (-v.similarity, v.submission_id, v.other_submission_id or 0))


def similar_to(db: Session, submission_id: int, *, all_openings: bool) -> list[SimilarSubmission]:
    """Return the submissions found similar to this one (earlier ones, later ones) and the exercise's own code.

    `all_openings`: the viewer may read submissions of every opening (an admin); otherwise only this opening's.
    """
    query = select(SimilarityMatch).where(
        or_(SimilarityMatch.submission_id == submission_id, SimilarityMatch.other_submission_id == submission_id)
    )
    return _views(db, db.scalars(query), {submission_id}, all_openings=all_openings)


def opening_similarity(db: Session, opening_id: int, *, all_openings: bool) -> list[SimilarSubmission]:
    """Return every match of a submission by a candidate of the opening, most similar first (each pair once)."""
    mine_ids = set(db.scalars(select(Submission.id).join(Candidate).where(Candidate.opening_id == opening_id)))
    query = select(SimilarityMatch).where(
        or_(SimilarityMatch.submission_id.in_(mine_ids), SimilarityMatch.other_submission_id.in_(mine_ids))
    )
    return _views(db, db.scalars(query), mine_ids, all_openings=all_openings)


def indexed(db: Session, submission_ids: Iterable[int]) -> set[int]:
    """Return which of `submission_ids` have been indexed for similarity."""
    ids = list(submission_ids)
    return set(db.scalars(select(SimilarityDocument.submission_id).where(SimilarityDocument.submission_id.in_(ids))))


def similar_by_submission(
    db: Session, submission_ids: list[int], *, all_openings: bool
) -> dict[int, tuple[list[SimilarSubmission], ExerciseAdvice, bool]]:
    """Return, per submission, its matches, its exercise's advice and whether it has been indexed yet."""
    done = indexed(db, submission_ids)
    out = {}
    for sub in db.scalars(select(Submission).where(Submission.id.in_(submission_ids))):
        out[sub.id] = (similar_to(db, sub.id, all_openings=all_openings), advice_for(sub.exercise_id), sub.id in done)
    return out


def opening_report(
    db: Session, opening_id: int, *, all_openings: bool
) -> tuple[list[SimilarSubmission], list[ExerciseAdvice]]:
    """Return the opening's matches and the advice of every exercise its candidates submitted."""
    exercises = db.scalars(
        select(Submission.exercise_id).join(Candidate).where(Candidate.opening_id == opening_id).distinct()
    )
    advice = [advice_for(e) for e in sorted(set(exercises))]
    return opening_similarity(db, opening_id, all_openings=all_openings), advice


def queue_unindexed(db: Session) -> int:
    """Queue the similarity job of every submission not indexed yet (those saved before indexing existed).

    The jobs are rows like any other, run by the workers (a duplicate is harmless: indexing twice changes
    nothing); oldest first, so each is compared with the ones before it. Returns how many were queued.
    """
    indexed_ids = select(SimilarityDocument.submission_id)
    ids = list(db.scalars(select(Submission.id).where(Submission.id.not_in(indexed_ids)).order_by(Submission.id)))
    db.add_all(Job(kind=JOB_KIND, payload={"submission_id": sub_id}) for sub_id in ids)
    db.flush()
    return len(ids)
