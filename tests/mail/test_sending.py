"""Messages written with their action, sent through a real SMTP server: retried on failure, never twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mlscreen.bank import Bank
from mlscreen.errors import UsageError
from mlscreen.jobs.handlers import default_handlers, send_mail
from mlscreen.jobs.local import LocalQueue
from mlscreen.store import notices, outbox
from mlscreen.store.accounts import create_user
from mlscreen.store.assessments import create_invite
from mlscreen.store.candidates import add_candidate
from mlscreen.store.db import Database
from mlscreen.store.jobs import retry_failed
from mlscreen.store.models import Invite, Job, OutboxMessage, utcnow
from mlscreen.store.openings import create_opening
from tests.mail.conftest import SmtpServer

LINK = "https://screening.example.org/assess/TOKEN"


def make_queue(db: Database) -> LocalQueue:
    return LocalQueue(
        db, default_handlers(), workers=1, poll_seconds=0.02, idle_poll_seconds=0.05, retry_base_seconds=0.05
    )


def invite_message(db: Database, bank: Bank, queue: LocalQueue, *, name: str = "Ada Lovelace") -> int:
    """Create a candidate and their assessment link, and write the invitation with it; return the message id."""
    with db.session() as s:
        hm = create_user(s, email="hm@example.org", name="HM", role="hiring_manager", password="a long enough password")
        opening = create_opening(s, bank, title="ML Engineer", profile_id="ml-engineer", actor=hm)
        cand = add_candidate(s, opening, name=name, email="ada@example.net")
        new = create_invite(s, bank, cand, position=1)
        return notices.assessment_invitation(s, queue, new.invite, link=LINK).id


def message(db: Database, message_id: int) -> OutboxMessage:
    with db.session() as s:
        found = s.get_one(OutboxMessage, message_id)
        s.expunge(found)
        return found


def run_all(queue: LocalQueue) -> None:
    queue.start()
    try:
        assert queue.wait_idle(60)
    finally:
        queue.stop()


def test_the_invitation_arrives_with_its_headers_and_link(
    database: Database, bank: Bank, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url(auth=True))
    monkeypatch.setenv("MLSCREEN_MAIL_FROM", "Hiring team <hiring@example.org>")
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    run_all(queue)
    [got] = smtp_server.received
    assert got["From"] == "Hiring team <hiring@example.org>"
    assert got["To"] == "ada@example.net"
    sent = message(database, message_id)
    assert got["Message-ID"] == sent.message_id
    assert got["Subject"] == sent.subject and "ML Engineer" in sent.subject
    text = got.get_body(("plain",))
    html = got.get_body(("html",))
    assert text is not None and html is not None
    assert LINK in text.get_content() and f'href="{LINK}"' in html.get_content()
    assert "minutes" in text.get_content() and "What is recorded" in text.get_content()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert smtp_server.logins == ["mailer"]


@pytest.mark.parametrize("fault", ["refuse", "drop", "stall"])
def test_a_failing_server_is_retried_and_the_message_arrives_once(
    database: Database, bank: Bank, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url(timeout=1.0))
    smtp_server.faults = [fault, fault]
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    run_all(queue)
    assert len(smtp_server.received) == 1
    sent = message(database, message_id)
    assert (sent.status, sent.attempts) == ("sent", 3)
    with database.session() as s:
        job = s.scalars(select(Job).where(Job.kind == "mail")).one()
        assert (job.status, job.attempts) == ("done", 3)


def test_an_outage_longer_than_the_retries_keeps_the_message_for_a_retry(
    database: Database, bank: Bank, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url())
    smtp_server.faults = ["refuse"] * 5
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    run_all(queue)
    failed = message(database, message_id)
    assert (failed.status, failed.attempts) == ("failed", 5)
    assert failed.last_error is not None and "451" in failed.last_error and "try again later" in failed.last_error
    with database.session() as s:
        job = s.scalars(select(Job).where(Job.kind == "mail")).one()
        assert job.status == "failed" and job.error is not None and "451" in job.error
        assert "try again" not in job.error  # the job's error names the code, never what the server said
        retry_failed(s, actor_id=None, via="cli")
    run_all(queue)
    assert len(smtp_server.received) == 1
    assert message(database, message_id).status == "sent"


def test_a_message_already_sent_is_not_sent_again(
    database: Database, bank: Bank, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The job runs again after the message went out (a worker lost after the send, a duplicated job message).
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url())
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    assert send_mail(database, {"message_id": message_id}) == {"message_id": message_id, "sent": True}
    assert send_mail(database, {"message_id": message_id}) == {"message_id": message_id, "sent": False}
    assert len(smtp_server.received) == 1
    assert message(database, message_id).attempts == 1


def test_a_sender_that_died_mid_attempt_is_taken_over_after_its_lease(
    database: Database, bank: Bank, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url())
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    with database.session() as s:  # a sender claimed it, then its process was killed before the server answered
        assert outbox.claim(s, message_id) is not None
    assert send_mail(database, {"message_id": message_id})["sent"] is False  # its lease still runs: not twice
    assert smtp_server.received == []
    with database.session() as s:  # the lease ran out
        assert outbox.claim(s, message_id, now=utcnow() + outbox.SENDING_LEASE + timedelta(seconds=1)) is not None
        s.get_one(OutboxMessage, message_id).lease_expires_at = utcnow() - timedelta(seconds=1)
    assert send_mail(database, {"message_id": message_id})["sent"] is True
    assert len(smtp_server.received) == 1


def test_a_message_is_marked_sent_once_accepted_not_after_the_goodbye(
    database: Database, bank: Bank, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A crash between the server's acceptance and the `sent` mark makes the message go again after its lease (the
    # limit docs/email.md describes): the mark must not wait for the server's answer to QUIT, which can take the
    # whole timeout.
    monkeypatch.setenv("MLSCREEN_SMTP_URL", smtp_server.url(timeout=20))
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    smtp_server.stall_quit = True
    sender = threading.Thread(target=send_mail, args=(database, {"message_id": message_id}), daemon=True)
    sender.start()
    try:
        deadline = time.monotonic() + 15
        while message(database, message_id).status != "sent":
            assert time.monotonic() < deadline and sender.is_alive(), "not marked sent while the goodbye was pending"
            time.sleep(0.05)
        assert sender.is_alive()  # still waiting for the server's goodbye
        assert len(smtp_server.received) == 1
    finally:
        smtp_server.release.set()
        sender.join(20)
    assert not sender.is_alive()
    done = message(database, message_id)
    assert (done.status, done.attempts) == ("sent", 1)


def test_without_smtp_messages_are_held_and_no_job_is_queued(
    database: Database, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLSCREEN_SMTP_URL", raising=False)
    queue = make_queue(database)
    message_id = invite_message(database, bank, queue)
    held = message(database, message_id)
    assert held.status == "held" and LINK in held.body_text
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0


def test_a_message_that_cannot_be_written_undoes_the_action(
    database: Database, bank: Bank, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "mail"
    broken.mkdir()
    (broken / "invite.txt").write_text("Hello {{ no_such_value }}\n")
    monkeypatch.setenv("MLSCREEN_MAIL_TEMPLATES", str(broken))
    queue = make_queue(database)
    with pytest.raises(UsageError, match="invite"):
        invite_message(database, bank, queue)
    with database.session() as s:  # the link was not made either: both commit together or not at all
        assert s.scalar(select(func.count()).select_from(Invite)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
