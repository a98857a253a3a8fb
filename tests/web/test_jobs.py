"""Failed jobs: what the candidate and the team see, and an admin's retry from the page and the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select, text

from mlscreen.bank import Bank, Exercise
from mlscreen.jobs.local import LocalQueue
from mlscreen.store.assessments import create_invite, start, submit
from mlscreen.store.db import Database
from mlscreen.store.models import AuditEvent, Candidate, Job, Submission
from tests.web.conftest import World


def failed_submission(world: World, bank: Bank) -> tuple[int, int, str]:
    """Return (submission id, job id, candidate token) of a submission whose grading job failed for good."""
    exercises = {e.id for e in bank.items(Exercise)}
    with world.db.session() as s:
        cand = s.get_one(Candidate, world.candidate)
        coding = next(i for i, st in enumerate(cand.opening.stages) if any(q in exercises for q in st.question_ids))
        new = create_invite(s, bank, cand, position=coding)
        start(new.invite)
        sub = submit(s, world.app.state.queue, new.invite, code="def f():\n    return 1\n", answers={}, confirmed=True)
        assert sub is not None
        job = s.scalar(select(Job).where(Job.kind == "grade"))
        assert job is not None
        job.max_attempts = 1
        ids = (sub.id, job.id, new.token)

    def broken(_db: Database, _payload: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the grader crashed")

    assert LocalQueue(world.db, {"grade": broken}).run_one("w")
    return ids


def test_a_failed_grading_job_is_shown_as_not_graded_and_an_admin_retries_it(world: World, bank: Bank) -> None:
    submission_id, job_id, token = failed_submission(world, bank)
    with world.db.session() as s:
        assert s.get_one(Submission, submission_id).status == "failed"
    portal = world.client(None).get(f"/assess/{token}/result")
    assert "could not be checked automatically" in portal.text and "being checked" not in portal.text

    admin = world.client("admin")
    assert world.client("interviewer").get("/admin/jobs").status_code == 403
    page = admin.get("/admin/jobs")
    assert page.status_code == 200 and f"submission {submission_id}" in page.text and "RuntimeError" in page.text
    listed = admin.api("GET", "/api/v1/jobs/failed").json()["jobs"]
    assert [(j["id"], j["submission_id"]) for j in listed] == [(job_id, submission_id)]
    assert admin.api("POST", "/api/v1/jobs/retry", {"job_ids": [job_id + 1000]}).status_code == 404
    assert admin.api("POST", "/api/v1/jobs/retry", {}).status_code == 422
    assert admin.form("/admin/jobs/retry", {"job_id": job_id}).status_code == 303
    with world.db.session() as s:
        job = s.get_one(Job, job_id)
        assert (job.status, job.attempts, job.error) == ("queued", 0, None)
        assert s.get_one(Submission, submission_id).status == "queued"
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "job.retried")).all()
        assert [(a.object_id, a.actor_id, a.detail["via"]) for a in audit] == [(job_id, world.users["admin"], "page")]
    assert admin.api("GET", "/api/v1/jobs/failed").json() == {"jobs": []}


def test_a_full_disk_answers_503_and_the_client_carries_on(world: World) -> None:
    with world.db.session(write=False) as s:
        pages = int(s.execute(text("PRAGMA page_count")).scalar_one())
    world.db.dispose()

    def cap(dbapi_connection: Any, _record: Any) -> None:  # SQLite's own "database or disk is full"
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(world.db.engine, "connect", cap)
    admin = world.client("admin", raise_server_exceptions=False)
    body = {"title": "T" * 199, "profile_id": "ml-engineer"}
    answers = [admin.api("POST", "/api/v1/openings", body) for _ in range(200)]
    full = [a for a in answers if a.status_code != 201]
    assert full, "the database never filled up"
    assert {a.status_code for a in full} == {503}
    assert full[0].json()["error"] == "the service cannot save changes right now"
    assert "Traceback" not in full[0].text
    assert admin.get("/admin/users").status_code == 200  # the same client carries on
