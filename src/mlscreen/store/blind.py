"""Blind review: which identity of a candidate a given viewer sees, a stable pseudonym, and revealing it.

An opening with `blind_review` hides its candidates' names and e-mail addresses from the people who grade them:
they see a pseudonym ("Candidate K7Q2XM") until they have submitted a scorecard for every stage of the candidate
they are assigned to, or until the opening's hiring manager (or an admin) reveals the candidate. The people who
run the loop, admins, the opening's hiring manager and its recruiters, always see who the candidate is. Every page,
API answer and e-mail asks `identity_of` (or `identities_of`); nothing else decides it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from mlscreen.errors import ConflictError, ForbiddenError
from mlscreen.store import audit
from mlscreen.store.models import Assignment, Candidate, Opening, OpeningMember, Scorecard, User, utcnow
from mlscreen.store.openings import manages, member_ids

# Crockford's base32: no I, L, O or U, so a pseudonym read aloud or copied by hand is not mistaken for another.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PSEUDONYM_LENGTH = 6


def pseudonym(candidate_id: int, key: bytes) -> str:
    """Return the candidate's pseudonym: stable for one `key` (the server's secret), not reversible without it."""
    digest = hmac.new(key, f"mlscreen.candidate:{candidate_id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(PSEUDONYM_LENGTH):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "Candidate " + "".join(chars)


@dataclass(frozen=True)
class Identity:
    """What one viewer is shown of one candidate: the name (or pseudonym), the e-mail (or None) and whether hidden.

    `redact` replaces the candidate's name, its parts and e-mail address inside other text (reasons, notes, code,
    answers) by the pseudonym when the identity is hidden, and returns the text unchanged otherwise.
    """

    candidate_id: int
    name: str
    email: str | None
    hidden: bool
    pseudonym: str
    _pattern: re.Pattern[str] | None = None

    def redact(self, text: str | None) -> str:
        """Return `text` with the candidate's name and e-mail address replaced by the pseudonym when hidden."""
        if not text or self._pattern is None:
            return text or ""
        return self._pattern.sub(self.pseudonym, text)

    def redact_all(self, value: Any) -> Any:
        """Return `value` (JSON-like: strings, lists, dicts) with every string redacted as by `redact`."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact_all(v) for v in value]
        if isinstance(value, dict):
            return {k: self.redact_all(v) for k, v in value.items()}
        return value


def _pattern(candidate: Candidate) -> re.Pattern[str]:
    """Return a pattern matching the candidate's e-mail (and its local part), full name and each part of the name."""
    email = candidate.email.lower()
    words = [w for w in re.split(r"[\s,]+", candidate.name) if len(w) >= 2]
    parts = {email, email.split("@")[0], candidate.name, *words}
    alternatives = sorted((re.escape(p) for p in parts if p), key=len, reverse=True)
    # A name part counts only as a whole word ("Ann" in "Annual" is not the name).
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def runs_loop(db: Session, viewer: User, opening: Opening) -> bool:
    """Return True for the people who always see identities: admins, the opening's hiring manager, its recruiters."""
    if viewer.role == "admin" or opening.hiring_manager_id == viewer.id:
        return True
    return viewer.role == "recruiter" and viewer.id in member_ids(db, opening.id)


def searchable_by_identity(user: User) -> ColumnElement[bool]:
    """Return the condition on `Candidate` that keeps those whose name and e-mail `user` may search by: a search by
    name must not tell an interviewer who is behind a pseudonym, so candidates of blind-reviewed openings that were
    not revealed are searched by name only by those who run the loop (`runs_loop`, in SQL). Stricter than
    `identities_of`: it ignores scorecards already filed."""
    if user.role == "admin":
        return Candidate.id.is_not(None)
    blind = select(Opening.id).where(Opening.blind_review.is_(True))
    if user.role == "hiring_manager":
        blind = blind.where(Opening.hiring_manager_id != user.id)
    elif user.role == "recruiter":
        mine = select(OpeningMember.opening_id).where(OpeningMember.user_id == user.id)
        blind = blind.where(Opening.id.not_in(mine))
    return Candidate.opening_id.not_in(blind) | Candidate.revealed_at.is_not(None)


def _graded_all(db: Session, viewer: User, candidate_ids: set[int]) -> set[int]:
    """Return the ids among `candidate_ids` of candidates `viewer` is assigned to and has filed a scorecard for at
    every assigned stage."""
    if not candidate_ids:
        return set()
    assigned: dict[int, set[int]] = {}
    query = select(Assignment.candidate_id, Assignment.stage_position).where(
        Assignment.interviewer_id == viewer.id, Assignment.candidate_id.in_(candidate_ids)
    )
    for candidate_id, position in db.execute(query):
        assigned.setdefault(candidate_id, set()).add(position)
    filed: dict[int, set[int]] = {}
    query = select(Scorecard.candidate_id, Scorecard.stage_position).where(
        Scorecard.interviewer_id == viewer.id, Scorecard.candidate_id.in_(candidate_ids)
    )
    for candidate_id, position in db.execute(query):
        filed.setdefault(candidate_id, set()).add(position)
    return {cid for cid, stages in assigned.items() if stages <= filed.get(cid, set())}


def _blinded(db: Session, viewer: User, candidate: Candidate) -> bool:
    """Return True when the candidate's identity is hidden from `viewer` unless they graded every stage they have."""
    if not candidate.opening.blind_review or candidate.revealed_at is not None:
        return False
    return not runs_loop(db, viewer, candidate.opening)


def identities_of(db: Session, viewer: User, candidates: Iterable[Candidate], *, key: bytes) -> dict[int, Identity]:
    """Return {candidate id: what `viewer` is shown of that candidate} (`key`: the server's pseudonym key).

    The rule: the identity is hidden when the candidate's opening uses blind review, the candidate was not
    revealed, the viewer does not run the loop (`runs_loop`), and the viewer has not yet filed a scorecard for every
    stage of the candidate they are assigned to (someone assigned to no stage never has).
    """
    candidates = list(candidates)
    blinded = {c.id for c in candidates if _blinded(db, viewer, c)}
    blinded -= _graded_all(db, viewer, blinded)
    out: dict[int, Identity] = {}
    for c in candidates:
        alias = pseudonym(c.id, key)
        if c.id in blinded:
            out[c.id] = Identity(c.id, alias, None, True, alias, _pattern(c))
        else:
            out[c.id] = Identity(c.id, c.name, c.email, False, alias)
    return out


def identity_of(db: Session, viewer: User, candidate: Candidate, *, key: bytes) -> Identity:
    """Return what `viewer` is shown of `candidate` (see `identities_of`)."""
    return identities_of(db, viewer, [candidate], key=key)[candidate.id]


def set_blind_review(db: Session, opening: Opening, *, enabled: bool, actor: User) -> Opening:
    """Turn blind review of the opening on or off (audited) and return it.

    Raises `ForbiddenError` unless `actor` is an admin or the opening's hiring manager.
    """
    if not manages(actor, opening):
        raise ForbiddenError("only the hiring manager or an admin can change blind review", hint="ask one of them")
    before = opening.blind_review
    opening.blind_review = enabled
    audit.record(
        db,
        actor_id=actor.id,
        action="opening.blind_review_changed",
        object_type="opening",
        object_id=opening.id,
        opening_id=opening.id,
        before=before,
        after=enabled,
    )
    return opening


def reveal(db: Session, candidate: Candidate, *, actor: User, reason: str = "") -> Candidate:
    """Reveal a blind-reviewed candidate's identity to everyone on the opening (audited) and return them.

    Raises `ForbiddenError` unless `actor` is an admin or the opening's hiring manager, and `ConflictError` when
    the opening has no blind review or the candidate is revealed already.
    """
    if not manages(actor, candidate.opening):
        raise ForbiddenError("only the hiring manager or an admin can reveal a candidate", hint="ask one of them")
    if not candidate.opening.blind_review:
        raise ConflictError("this opening does not use blind review", hint="everyone on it sees the candidates")
    if candidate.revealed_at is not None:
        raise ConflictError("this candidate is revealed already", hint="reload the page")
    candidate.revealed_at = utcnow()
    audit.record(
        db,
        actor_id=actor.id,
        action="candidate.revealed",
        object_type="candidate",
        object_id=candidate.id,
        opening_id=candidate.opening_id,
        reason=reason.strip()[:500],
    )
    db.flush()
    return candidate
