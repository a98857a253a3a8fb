"""Scorecard drafts: what an interviewer has written so far, autosaved, read back by its author alone.

A draft holds the scorecard form's values as typed (ratings, evidence, recommendation, notes), unchecked: it is
work in progress, checked when the scorecard is submitted, and deleted then (`scorecards.submit_scorecard`).
Only `draft_of` reads a draft, and only the author's own: no page, API operation or report shows anyone else's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mlscreen.errors import ConflictError, ForbiddenError, UsageError
from mlscreen.store.models import Candidate, ScorecardDraft, User, utcnow
from mlscreen.store.openings import stage_at
from mlscreen.store.scorecards import MAX_NOTE, PRESCREEN_KIND, find_scorecard, may_score

MAX_FIELDS = 64
PREFIXES = ("rating:", "evidence:")
NAMES = frozenset({"recommendation", "notes"})


def _kept(values: Mapping[str, list[str]]) -> dict[str, list[str]]:
    kept: dict[str, list[str]] = {}
    for name, given in values.items():
        if name in NAMES or name.startswith(PREFIXES):
            if len(name) > 100:
                raise UsageError("a field name is too long", hint="reload the page")
            kept[name] = [v[:MAX_NOTE] for v in given[:1]]
    if len(kept) > MAX_FIELDS:
        raise UsageError(f"a draft holds at most {MAX_FIELDS} fields", hint="reload the page")
    return kept


def save_draft(
    db: Session,
    candidate: Candidate,
    *,
    position: int,
    author: User,
    values: Mapping[str, list[str]],
    now: datetime | None = None,
) -> ScorecardDraft:
    """Keep the scorecard form's `values` as `author`'s draft for the candidate's stage; return the draft.

    Only scorecard fields are kept, each cut to the scorecard's own length limit. Raises `ForbiddenError` unless
    `author` may file the stage's scorecard, `ConflictError` once they submitted it, `NotFoundError` for an
    unknown stage.
    """
    stage = stage_at(candidate.opening, position)
    if stage.kind == PRESCREEN_KIND or not may_score(db, candidate, position, author):
        raise ForbiddenError("only the stage's reviewers keep a draft of its scorecard", hint="open your own stage")
    if find_scorecard(db, candidate.id, position, author.id) is not None:
        raise ConflictError("you already submitted this scorecard", hint="reload the page to see it")
    fields = _kept(values)
    draft = _find(db, candidate.id, position, author.id)
    if draft is None:
        draft = ScorecardDraft(candidate_id=candidate.id, stage_position=position, author_id=author.id)
        db.add(draft)
    draft.fields = fields
    draft.updated_at = now or utcnow()
    db.flush()
    return draft


def draft_of(db: Session, candidate_id: int, position: int, author: User) -> ScorecardDraft | None:
    """Return `author`'s own draft for the candidate's stage, if there is one (nobody reads another's draft)."""
    return _find(db, candidate_id, position, author.id)


def _find(db: Session, candidate_id: int, position: int, author_id: int) -> ScorecardDraft | None:
    return db.scalar(
        select(ScorecardDraft).where(
            ScorecardDraft.candidate_id == candidate_id,
            ScorecardDraft.stage_position == position,
            ScorecardDraft.author_id == author_id,
        )
    )
