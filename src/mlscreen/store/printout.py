"""The decision packet as plain data for print (the PDF): read in a short session, rendered after it is released."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from mlscreen.bank import Bank
from mlscreen.errors import NotFoundError
from mlscreen.store.accounts import users_with_ids
from mlscreen.store.models import Candidate
from mlscreen.store.packet import build_packet, decision_of
from mlscreen.store.scorecards import scorecards_of


def _title(bank: Bank, item_id: str) -> str:
    try:
        return str(getattr(bank.get(item_id), "title", item_id))
    except NotFoundError:  # an item removed from the bank since: its id is all there is
        return item_id


def _unchanged(text: str | None) -> str:
    return text or ""


def printable_packet(
    db: Session,
    bank: Bank,
    candidate: Candidate,
    *,
    name: str | None = None,
    redact: Callable[[str | None], str] = _unchanged,
) -> dict[str, Any]:
    """Everything the printed packet shows, as JSON-ready data: the candidate and opening, the packet (competency
    means and weights, stage table, disagreements, advice) with titles for stages, exercises and questions, and
    the decision. Interviewers' free-text notes stay on the packet page.

    `name` (default: the candidate's) is the name printed, and `redact` is applied to the free text printed (the
    decision's rationale, a second attempt's reason), so a viewer shown a pseudonym prints the pseudonym."""
    cards = scorecards_of(db, candidate.id)
    packet = build_packet(db, bank, candidate, cards=cards).to_json()
    stages = {s.position: s.title for s in candidate.opening.stages}
    decision = decision_of(db, candidate.id)
    decided: dict[str, Any] | None = None
    if decision is not None:
        by = [decision.decided_by] if decision.decided_by is not None else []
        names = {u.id: u.name for u in users_with_ids(db, by)}
        decided = {
            "outcome": decision.outcome,
            "rationale": redact(decision.rationale),
            "at": decision.decided_at.strftime("%Y-%m-%d"),
            "by": names.get(decision.decided_by or 0, ""),
            "mechanical": decision.mechanical,
        }
    for d in packet["disagreements"]:
        d["stage"] = stages.get(d["position"], str(d["position"]))
    for s in packet["submissions"]:
        s["title"] = _title(bank, s["exercise"])
        s["attempt_reason"] = redact(s["attempt_reason"]) if s["attempt_reason"] else None
    for a in packet["answers"]:
        a["title"] = _title(bank, a["question"])
    return {
        "candidate": {"id": candidate.id, "name": candidate.name if name is None else name, "status": candidate.status},
        "opening": candidate.opening.title,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "packet": packet,
        "decision": decided,
    }
