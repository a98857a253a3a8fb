"""Similar submissions: found by the background job, shown to managers side by side, never to interviewers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from mlscreen.bank import Bank, Exercise
from mlscreen.integrity.variants import disguises, rename
from mlscreen.jobs.handlers import index_similarity
from mlscreen.store.assessments import create_invite, start, submit
from mlscreen.store.candidates import add_candidate
from mlscreen.store.models import Candidate, Invite, Job, Opening, SimilarityFingerprint, Submission, utcnow
from mlscreen.store.privacy import erase_candidate
from tests.web.conftest import World


@dataclass
class Subs:
    exercise: str
    mine: int
    same_opening: int
    other_opening: int
    other_candidate: int
    peer: int


def add_submission(world: World, candidate_id: int, exercise: str, source: str) -> int:
    with world.db.session() as s:
        cand = s.get_one(Candidate, candidate_id)
        invite = Invite(
            candidate_id=cand.id,
            stage_position=1,
            token_hash=f"h{candidate_id}",
            exercise_id=exercise,
            expires_at=utcnow() + timedelta(days=1),
        )
        s.add(invite)
        s.flush()
        sub = Submission(invite_id=invite.id, candidate_id=cand.id, exercise_id=exercise, source=source)
        s.add(sub)
        s.flush()
        return sub.id


def submissions(world: World, bank: Bank) -> Subs:
    """Two earlier copies of the reference (one in another opening), then Cand A's own disguised copy, submitted."""
    with world.db.session() as s:
        cand = s.get_one(Candidate, world.candidate)
        exercises = {e.id for e in bank.items(Exercise)}
        coding = next(i for i, st in enumerate(cand.opening.stages) if any(q in exercises for q in st.question_ids))
        new = create_invite(s, bank, cand, position=coding)
        exercise = new.invite.exercise_id
        assert exercise is not None
        peer = add_candidate(s, s.get_one(Opening, world.opening), name="Peer P", email="peer@example.net").id
    reference = bank.sidecar(exercise, bank.get(exercise, Exercise).reference).read_text(encoding="utf-8")
    same = add_submission(world, peer, exercise, rename(reference, seed=5))
    other = add_submission(world, world.other_candidate, exercise, disguises(reference, seed=9)["L1-layout"])
    with world.db.session() as s:
        invite = s.get_one(Invite, new.invite.id)
        start(invite)
        code = disguises(reference, seed=2)["L3-reordered"]
        sub = submit(s, world.app.state.queue, invite, code=code, answers={}, confirmed=True)
        assert sub is not None
        mine = sub.id
        kinds = list(s.scalars(select(Job.kind).where(Job.payload["submission_id"].as_integer() == mine)))
    assert kinds == ["grade", "similarity"]  # queued with grading, in the same transaction
    for sub_id in (same, other, mine):
        assert index_similarity(world.db, {"submission_id": sub_id})["indexed"]
    return Subs(exercise, mine, same, other, world.other_candidate, peer)


def test_the_job_finds_earlier_copies_and_the_reference_and_runs_once(world: World, bank: Bank) -> None:
    subs = submissions(world, bank)
    assert index_similarity(world.db, {"submission_id": subs.mine}) == {"submission_id": subs.mine, "indexed": False}
    page = world.client("hm").get(f"/candidates/{world.candidate}")
    assert page.status_code == 200
    assert "Similarity to other submissions (3)" in page.text
    assert "reference solution" in page.text and "Peer P" in page.text
    assert "a candidate of another opening (you may not read it)" in page.text and "Cand B" not in page.text
    assert 'class="shared"' in page.text and "Advice, not a verdict" in page.text


def test_an_admin_reads_other_openings_and_interviewers_see_no_similarity(world: World, bank: Bank) -> None:
    submissions(world, bank)
    admin = world.client("admin").get(f"/candidates/{world.candidate}")
    assert "Cand B" in admin.text and "you may not read it" not in admin.text
    interviewer = world.client("interviewer").get(f"/candidates/{world.candidate}")
    assert interviewer.status_code == 200 and "Similarity to other submissions" not in interviewer.text


def test_the_decision_packet_shows_the_nearest_submissions_to_those_who_may_see_them(world: World, bank: Bank) -> None:
    submissions(world, bank)
    packet = world.client("hm").get(f"/candidates/{world.candidate}/packet")
    assert packet.status_code == 200 and "Similarity to other submissions" in packet.text
    admin = world.client("admin").get(f"/candidates/{world.candidate}/packet")
    assert "Cand B" in admin.text


def test_the_opening_page_lists_each_pair_once_for_its_managers(world: World, bank: Bank) -> None:
    subs = submissions(world, bank)
    page = world.client("hm").get(f"/openings/{world.opening}/similarity")
    assert page.status_code == 200 and "nobody is rejected" in page.text.lower()
    # mine~peer (once, not again from the peer's side), mine~other opening, peer~other opening, each~reference
    assert page.text.count('class="similar-item"') == 5
    assert world.client("hm").get(f"/openings/{world.opening}").text.count("Similar submissions") == 1
    assert world.client("recruiter").get(f"/openings/{world.opening}/similarity").status_code == 403
    assert world.client("hm_other").get(f"/openings/{world.opening}/similarity").status_code == 404
    assert f"/candidates/{subs.peer}" in page.text


def test_erasure_takes_a_candidate_out_of_the_index_and_the_pages(world: World, bank: Bank) -> None:
    subs = submissions(world, bank)
    with world.db.session() as s:
        erase_candidate(s, subs.peer, actor=None)
        assert not s.scalar(select(func.count()).where(SimilarityFingerprint.submission_id == subs.same_opening))
    page = world.client("hm").get(f"/candidates/{world.candidate}")
    assert "Similarity to other submissions (2)" in page.text and "Peer P" not in page.text
