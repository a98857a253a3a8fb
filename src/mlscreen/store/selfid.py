"""Voluntary self-identification: a candidate's own answers (sex; race or ethnicity in the EEO-1 categories).

The answers are stored apart from the application. Only three readers exist: the candidate's own portal page
(through their link), their subject-access export, and the adverse-impact report, which sees them only as
`Identity` rows it turns into counts per group. No staff page or API reads them one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mlscreen.errors import InvalidFieldsError
from mlscreen.reports.tables import Identity
from mlscreen.store.models import Invite, SelfIdentification, utcnow

PREFER_NOT = "prefer_not_to_say"
SEXES: dict[str, str] = {"female": "Female", "male": "Male", PREFER_NOT: "I prefer not to say"}
"""The EEO-1 report's sex categories, with "prefer not to say"."""
RACES: dict[str, str] = {
    "hispanic_or_latino": "Hispanic or Latino",
    "white": "White (not Hispanic or Latino)",
    "black_or_african_american": "Black or African American (not Hispanic or Latino)",
    "native_hawaiian_or_other_pacific_islander": "Native Hawaiian or Other Pacific Islander (not Hispanic or Latino)",
    "asian": "Asian (not Hispanic or Latino)",
    "american_indian_or_alaska_native": "American Indian or Alaska Native (not Hispanic or Latino)",
    "two_or_more_races": "Two or more races (not Hispanic or Latino)",
    PREFER_NOT: "I prefer not to say",
}
"""The EEO-1 report's race and ethnicity categories, with "prefer not to say"."""


@dataclass(frozen=True)
class Answers:
    """What the candidate said (each one of the category keys, or `PREFER_NOT`)."""

    sex: str
    race: str


def _row(db: Session, candidate_id: int) -> SelfIdentification | None:
    return db.scalar(select(SelfIdentification).where(SelfIdentification.candidate_id == candidate_id))


def own_answers(db: Session, invite: Invite) -> Answers | None:
    """Return the answers of the candidate holding `invite` (for their own page only), or None if they gave none."""
    row = _row(db, invite.candidate_id)
    return None if row is None else Answers(row.sex, row.race)


def save_answers(db: Session, invite: Invite, *, sex: str, race: str, now: datetime | None = None) -> Answers:
    """Store (or change) the answers of the candidate holding `invite` and return them.

    Nothing is audited: the audit log is read by staff, and even the fact of answering stays with the candidate.
    Raises `InvalidFieldsError` naming each field that holds no offered choice.
    """
    invalid = {}
    if sex not in SEXES:
        invalid["sex"] = "choose one of the options (or \u201cI prefer not to say\u201d)"
    if race not in RACES:
        invalid["race"] = "choose one of the options (or \u201cI prefer not to say\u201d)"
    if invalid:
        raise InvalidFieldsError(
            "please choose an option for each question", fields=invalid, hint="or withdraw your answers instead"
        )
    row = _row(db, invite.candidate_id)
    if row is None:
        row = SelfIdentification(candidate_id=invite.candidate_id, sex=sex, race=race)
        db.add(row)
    row.sex, row.race, row.updated_at = sex, race, now or utcnow()
    db.flush()
    return Answers(sex, race)


def withdraw_answers(db: Session, invite: Invite) -> bool:
    """Delete the answers of the candidate holding `invite`; return whether there were any."""
    return erase_answers(db, invite.candidate_id) > 0


def erase_answers(db: Session, candidate_id: int) -> int:
    """Delete the candidate's answers (erasure, withdrawal) and return how many rows went."""
    result = db.execute(delete(SelfIdentification).where(SelfIdentification.candidate_id == candidate_id))
    return int(getattr(result, "rowcount", 0) or 0)


def exported(db: Session, candidate_id: int) -> dict[str, Any] | None:
    """The candidate's answers for their own subject-access export (None if they gave none)."""
    row = _row(db, candidate_id)
    if row is None:
        return None
    return {"sex": row.sex, "race": row.race, "updated_at": row.updated_at.isoformat()}


def identities(db: Session, candidate_ids: Iterable[int]) -> list[Identity]:
    """The answers of `candidate_ids` as report rows, for the aggregate adverse-impact report only ("prefer not to
    say" becomes None, the same as no answer). Never show these rows one by one."""
    ids = list(candidate_ids)
    if not ids:
        return []
    rows = db.execute(
        select(SelfIdentification.candidate_id, SelfIdentification.sex, SelfIdentification.race).where(
            SelfIdentification.candidate_id.in_(ids)
        )
    )
    return [
        Identity(c, sex=None if sex == PREFER_NOT else sex, race=None if race == PREFER_NOT else race)
        for c, sex, race in rows
    ]
