"""Candidates: adding them (one by one or by CSV), moving them through stages, assigning interviewers."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.errors import ConflictError, NotFoundError, UsageError
from mlscreen.store import audit
from mlscreen.store.assessments import revoke_unfinished
from mlscreen.store.models import (
    CANDIDATE_STATUSES,
    Assignment,
    CancelledInterview,
    Candidate,
    Decision,
    Opening,
    User,
)
from mlscreen.store.names import clean_name
from mlscreen.store.openings import check_takes_candidates, member_ids, stage_at
from mlscreen.zones import check_zone

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_CSV_ROWS = 2000
MAX_CSV_FIELD = 128 * 1024  # the csv module's own field limit (131072 characters)


def _clean(name: str, email: str) -> tuple[str, str]:
    email = email.strip().lower()
    if not name.strip():
        raise UsageError("the candidate needs a name", hint="fill in the name")
    name = clean_name(name, what="the name")
    if not _EMAIL.match(email) or len(email) > 254 or clean_name(email, what="the e-mail address", limit=254) != email:
        raise UsageError(f"{email!r} is not a valid e-mail address", hint="give an address like name@example.org")
    return name, email


def add_candidate(db: Session, opening: Opening, *, name: str, email: str) -> Candidate:
    """Add a candidate at the first stage and return it; raises `UsageError`, or `ConflictError` for a duplicate or
    an opening that is not open."""
    check_takes_candidates(opening)
    name, email = _clean(name, email)
    if db.scalar(select(Candidate.id).where(Candidate.opening_id == opening.id, Candidate.email == email)):
        raise ConflictError(f"{email} is already a candidate for this opening", hint="open the existing record")
    candidate = Candidate(opening_id=opening.id, name=name, email=email, stage_position=0)
    db.add(candidate)
    db.flush()
    return candidate


@dataclass(frozen=True)
class RowError:
    """A problem in one CSV row (1-based line number, counting the header)."""

    line: int
    message: str


def import_csv(db: Session, opening: Opening, data: bytes) -> tuple[list[Candidate], list[RowError]]:
    """Import candidates from CSV with `name` and `email` columns.

    Returns (candidates added, row errors). When any row is bad nothing is written, so the file can be fixed
    and imported again. Raises `ConflictError` when the opening is not open.
    """
    check_takes_candidates(opening)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(1, "the file is not UTF-8 text; save it as CSV UTF-8")]
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _import_rows(db, opening, reader)
    except csv.Error as exc:
        # The reader refuses a field over its limit (or a malformed line) as a whole: say where and why. It counts
        # the lines it has finished, so the bad one is the next.
        what = str(exc)
        if "field larger than field limit" in what:
            what = f"a field is longer than {MAX_CSV_FIELD // 1024} KiB (names and e-mail addresses are short)"
        return [], [RowError(reader.line_num + 1, f"{what}; fix that line and import the file again")]


# What spreadsheets call the two columns, compared without case, accents, spaces or punctuation ("E-mail",
# "Adresse e-mail", "Full name", "Correo electrónico").
HEADER_ALIASES: dict[str, frozenset[str]] = {
    "name": frozenset({"name", "fullname", "candidate", "candidatename", "nom", "nomcomplet", "nombre"}),
    "email": frozenset(
        {"email", "emailaddress", "mail", "mailaddress", "courriel", "adresseemail", "correo", "correoelectronico"}
    ),
}


def header_key(text: str) -> str:
    """Return a CSV header as it is compared: lower case, without accents, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def _columns(fieldnames: Sequence[str] | None) -> tuple[dict[str, str], str | None]:
    """Return the header's column for each field, or the problem with the header."""
    found: dict[str, list[str]] = {"name": [], "email": []}
    for header in fieldnames or []:
        key = header_key(header or "")
        for field, aliases in HEADER_ALIASES.items():
            if key in aliases:
                found[field].append(header)
    for field, headers in found.items():
        if len(headers) > 1:
            return {}, f"the columns {', '.join(headers)} all give the {field}; keep one of them"
    missing = [field for field, headers in found.items() if not headers]
    if missing:
        return {}, "the header must have a name column and an e-mail column (for example: name,email)"
    return {field: headers[0] for field, headers in found.items()}, None


def _import_rows(db: Session, opening: Opening, reader: csv.DictReader[str]) -> tuple[list[Candidate], list[RowError]]:
    columns, problem = _columns(reader.fieldnames)
    if problem is not None:
        return [], [RowError(1, problem)]
    existing = set(db.scalars(select(Candidate.email).where(Candidate.opening_id == opening.id)))
    rows: list[tuple[str, str]] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_CSV_ROWS:
            errors.append(RowError(number, f"more than {MAX_CSV_ROWS} rows; split the file"))
            break
        row = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
        try:
            name, email = _clean(row.get(columns["name"], ""), row.get(columns["email"], ""))
        except UsageError as exc:
            errors.append(RowError(number, exc.message))
            continue
        if email in existing or email in seen:
            errors.append(RowError(number, f"{email} is already a candidate for this opening"))
            continue
        seen.add(email)
        rows.append((name, email))
    if errors:
        return [], errors
    if not rows:
        return [], [RowError(1, "the file has no candidate rows")]
    added = [Candidate(opening_id=opening.id, name=n, email=e, stage_position=0) for n, e in rows]
    db.add_all(added)
    db.flush()
    return added, []


def candidates_of(db: Session, opening_id: int) -> list[Candidate]:
    """The opening's candidates, in the order they were added."""
    return list(db.scalars(select(Candidate).where(Candidate.opening_id == opening_id).order_by(Candidate.id)))


def get_candidate(db: Session, candidate_id: int) -> Candidate:
    """Return the candidate with this id; raises `NotFoundError`."""
    found = db.get(Candidate, candidate_id)
    if found is None:
        raise NotFoundError(f"no candidate with id {candidate_id}", hint="go back to the opening's list")
    return found


def ensure_undecided(db: Session, candidate: Candidate, *, frozen: str = "their stage and status are") -> None:
    """Raise `ConflictError` when the candidate has a decision: what it was made on stays as it was (`frozen`)."""
    outcome = db.scalar(select(Decision.outcome).where(Decision.candidate_id == candidate.id))
    if outcome is not None:
        raise ConflictError(
            f"the candidate has a final decision ({outcome.replace('_', ' ')}), so {frozen} frozen",
            hint="an admin can reopen the decision, with a reason, from the decision packet",
        )


def move_candidate(db: Session, candidate: Candidate, *, position: int, actor: User) -> Candidate:
    """Move an active candidate to the stage at `position` (audited).

    Raises `NotFoundError` for an unknown stage and `ConflictError` after a decision or for a candidate who is not
    active.
    """
    stage_at(candidate.opening, position)
    ensure_undecided(db, candidate)
    if candidate.status != "active":
        raise ConflictError(f"the candidate is {candidate.status}", hint="only active candidates move")
    before = candidate.stage_position
    candidate.stage_position = position
    audit.record(
        db,
        actor_id=actor.id,
        action="candidate.stage_changed",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        before=before,
        after=position,
    )
    return candidate


def set_status(db: Session, candidate: Candidate, *, status: str, actor: User, reason: str = "") -> Candidate:
    """Set the candidate's status (active, rejected or withdrawn), audited with the reason.

    A candidate who leaves the process (rejected, withdrawn) loses every assessment link not yet submitted.
    Raises `UsageError` for an unknown status or "hired" (hiring is a decision), `ConflictError` after a decision.
    """
    if status not in CANDIDATE_STATUSES:
        raise UsageError(f"unknown status {status!r}", hint=f"use one of: {', '.join(CANDIDATE_STATUSES)}")
    if status == "hired":
        raise UsageError("hiring is a decision", hint="record it from the decision packet")
    ensure_undecided(db, candidate)
    before = candidate.status
    candidate.status = status
    audit.record(
        db,
        actor_id=actor.id,
        action="candidate.status_changed",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        before=before,
        after=status,
        reason=reason[:500],
    )
    if status != "active":
        revoke_unfinished(db, candidate, actor=actor, reason=f"candidate {status}")
    return candidate


def assign_interviewer(
    db: Session,
    candidate: Candidate,
    *,
    position: int,
    interviewer_id: int,
    scheduled_at: datetime | None = None,
    timezone: str | None = None,
) -> Assignment:
    """Assign a member of the opening to run stage `position` with the candidate; return the assignment.

    `timezone` is the zone the time was given in, which the candidate's messages show it in (None: the default
    zone). Raises `UsageError` for an unknown zone or an interviewer without access to the opening.
    """
    stage_at(candidate.opening, position)
    zone_name = check_zone(timezone) if timezone else None
    if interviewer_id not in member_ids(db, candidate.opening_id):
        raise UsageError("that user has no access to this opening", hint="add them to the opening first")
    found = db.scalar(
        select(Assignment).where(
            Assignment.candidate_id == candidate.id,
            Assignment.stage_position == position,
            Assignment.interviewer_id == interviewer_id,
        )
    )
    if found is None:
        found = Assignment(candidate_id=candidate.id, stage_position=position, interviewer_id=interviewer_id)
        db.add(found)
    elif found.scheduled_at is not None and found.scheduled_at != scheduled_at:
        found.sequence += 1  # the calendar invitation changes: same UID, a higher SEQUENCE
    found.scheduled_at = scheduled_at
    found.timezone = zone_name
    db.flush()
    return found


def assignments(db: Session, candidate: Candidate) -> list[Assignment]:
    """Return the candidate's interviewer assignments in stage order."""
    query = select(Assignment).where(Assignment.candidate_id == candidate.id)
    return list(db.scalars(query.order_by(Assignment.stage_position, Assignment.id)))


def is_assigned(db: Session, candidate_id: int, user_id: int) -> bool:
    """Return True when the user is assigned to any stage of the candidate."""
    query = select(Assignment.id).where(Assignment.candidate_id == candidate_id, Assignment.interviewer_id == user_id)
    return db.scalar(query.limit(1)) is not None


def remove_assignment(db: Session, candidate: Candidate, assignment_id: int, *, actor: User) -> Assignment:
    """Remove one of the candidate's interviewer assignments (audited) and return it (deleted, still readable).

    A scheduled interview's `sequence` is raised for its cancellation, which calendar feeds keep showing.
    Raises `NotFoundError` for an id that is not an assignment of this candidate.
    """
    found = db.get(Assignment, assignment_id) if 0 <= assignment_id < 2**31 else None
    if found is None or found.candidate_id != candidate.id:
        raise NotFoundError("no such interviewer assignment", hint="reload the candidate's page")
    audit.record(
        db,
        actor_id=actor.id,
        action="assignment.removed",
        object_type="assignment",
        object_id=found.id,
        opening_id=candidate.opening_id,
        candidate_id=candidate.id,
        position=found.stage_position,
        interviewer_id=found.interviewer_id,
    )
    if found.scheduled_at is not None:
        # The calendars that have the event get its cancellation: the same UID, a higher SEQUENCE; the feeds keep
        # showing it, cancelled.
        found.sequence += 1
        db.add(
            CancelledInterview(
                assignment_id=found.id,
                interviewer_id=found.interviewer_id,
                candidate_id=candidate.id,
                stage_position=found.stage_position,
                scheduled_at=found.scheduled_at,
                sequence=found.sequence,
            )
        )
    db.delete(found)
    db.flush()
    return found
