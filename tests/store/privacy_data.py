"""A candidate with something stored in every place personal data can live, for the erasure and export tests."""

from __future__ import annotations

from pycrdt import Text
from sqlalchemy.orm import Session

from mlscreen.bank import Bank
from mlscreen.integrity.fingerprint import fingerprints
from mlscreen.integrity.similarity import Fragment, Pair
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite, revoke_invite
from mlscreen.store.candidates import add_candidate, set_status
from mlscreen.store.models import (
    Decision,
    OutboxMessage,
    Recording,
    RecordingBatch,
    Scorecard,
    ScorecardDraft,
    SelfIdentification,
    Submission,
    WrittenAnswer,
    utcnow,
)
from mlscreen.store.openings import create_opening
from mlscreen.store.roomdoc import CODE, new_doc, state_of
from mlscreen.store.rooms import append, close_room, open_room
from mlscreen.store.similarity import IndexInput, save_index

NAME = "Zelda Quixotic-Marrow"
EMAIL = "zelda.qmarrow@example.org"
MARKERS = ("Quixotic", "qmarrow", "zqmcode", "zqmanswer", "zqmnote", "zqmevidence", "zqmreason", "zqmdraft")
"""Strings only this candidate's data contains."""
OTHER = "Olive Untouched"
PASSWORD = "correct-horse-battery-staple-42"


def populate(db: Session, bank: Bank) -> tuple[int, int]:
    """Store a candidate with code, answers, notes, reasons and a decision naming them; return (their id, another's)."""
    admin = create_user(db, email="admin@example.org", name="Ada Admin", role="admin", password=PASSWORD)
    opening = create_opening(db, bank, title="ML engineer", profile_id="ml-engineer", actor=admin)
    db.flush()
    person = add_candidate(db, opening, name=NAME, email=EMAIL)
    person.linkedin_url = "https://www.linkedin.com/in/zqmarrow"
    person.github_url = "https://github.com/qmarrow"
    person.source = "zqmnote referral by a friend of Zelda"
    person.notes = "zqmnote: Zelda prefers mornings"
    person.cv_file = "cv-zqmcode.pdf"
    person.cv_name = "Zelda_Quixotic-Marrow_CV.pdf"
    other = add_candidate(db, opening, name=OTHER, email="olive@example.org")
    db.flush()
    invite = create_invite(db, bank, person, position=1, actor=admin).invite
    invite.draft_code = "# zqmdraft by Zelda"
    invite.draft_answers = {"q": "zqmdraft answer"}
    db.flush()
    revoke_invite(db, invite, actor=admin, reason=f"zqmreason: {NAME} asked for a new date")
    code = Submission(
        invite_id=invite.id,
        candidate_id=person.id,
        exercise_id="data-cleaning",
        source="def zqmcode():\n    return 'Zelda Quixotic-Marrow'\n",
        status="done",
        result={"status": "failed", "passed": 1, "total": 2, "tests": [{"id": "t", "message": "zqmcode printed"}]},
    )
    recording = Recording(invite_id=invite.id, candidate_id=person.id, last_seq=2, size=120)
    db.add(recording)
    db.flush()
    db.add(  # the session recording of their assessment: the editor's text and a paste
        RecordingBatch(
            recording_id=recording.id,
            first_seq=1,
            last_seq=2,
            events=[
                {"s": 1, "t": 1, "k": "load", "d": "# zqmdraft"},
                {"s": 2, "t": 2, "k": "change", "c": [10, [0, " zqmcode Zelda"]], "o": "input.paste"},
            ],
        )
    )
    db.add(code)
    db.flush()
    prints = fingerprints(code.source * 3)  # long enough to be fingerprinted
    item = IndexInput(code.id, code.exercise_id, code.source)
    save_index(db, item, prints, [], Pair(str(code.id), "reference", 0.9, (Fragment((1, 2), (3, 4)),)))
    db.add(
        WrittenAnswer(
            candidate_id=person.id,
            invite_id=invite.id,
            stage_position=0,
            question_id="q",
            answer="zqmanswer: I would stratify the split.",
            advice={"suggested_level": 3, "score": 0.7, "points": [{"evidence": "zqmanswer stratify"}]},
            final_level=2,
            reviewed_by=admin.id,
            override_reason="zqmreason missed leakage",
        )
    )
    db.add(
        Scorecard(
            candidate_id=person.id,
            stage_position=0,
            interviewer_id=admin.id,
            ratings={"c1": {"rating": 3, "evidence": "zqmevidence clear about splits", "competency": "ml"}},
            recommendation="yes",
            notes="zqmnote: Zelda was on time",
        )
    )
    db.add(SelfIdentification(candidate_id=person.id, sex="female", race="native_hawaiian_or_other_pacific_islander"))
    db.add(SelfIdentification(candidate_id=other.id, sex="male", race="asian"))
    db.add(
        ScorecardDraft(
            candidate_id=person.id,
            stage_position=2,
            author_id=admin.id,
            fields={"notes": ["zqmdraft: Zelda paused"], "evidence:c1": ["zqmevidence draft"]},
        )
    )
    room = open_room(db, person, position=1, actor=admin, max_minutes=60).room
    room.notes = f"zqmnote: {NAME} paired well"
    room.checklist = {"zqmnote": True}
    pad = new_doc()
    pad.get(CODE, type=Text).insert(0, "def zqmcode(): pass\n")
    append(db, [(room.id, "doc", "test", utcnow(), state_of(pad))])
    append(db, [(room.id, "console", "test", utcnow(), b'{"type":"console","entry":{"output":"zqmcode ran"}}')])
    db.flush()
    close_room(db, room, actor=admin)
    set_status(db, person, status="rejected", actor=admin, reason=f"zqmreason for {EMAIL}")
    db.add(Decision(candidate_id=person.id, outcome="rejected", rationale=f"zqmreason {NAME} lacks depth"))
    for n, (recipient, about, status) in enumerate(
        [(EMAIL, ("invite", invite.id), "sent"), ("ines@example.org", ("assignment", 1), "held")]
    ):
        db.add(  # an invitation to them, and an interviewer's assignment naming them, not yet sent
            OutboxMessage(
                message_id=f"<zqm-{n}@example.org>",
                recipient=recipient,
                template="assessment_invitation",
                subject=f"Your assessment, {NAME}",
                body_text=f"Dear {NAME}, write to {EMAIL} if needed.",
                body_html=f"<p>Dear {NAME}</p>",
                ics=None,
                status=status,
                object_type=about[0],
                object_id=about[1],
            )
        )
    db.flush()
    return person.id, other.id
