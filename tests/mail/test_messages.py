"""Templates render escaped, can be replaced per deployment, and no value can add a header."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscreen.errors import UsageError
from mlscreen.mail.templates import MESSAGES, render
from mlscreen.mail.transport import build_message, parse_url, sender

CONTEXT = {
    "name": '<script>alert("x")</script> & Co',
    "opening": "ML Engineer",
    "stage": "Coding",
    "link": "https://screening.example.org/assess/abc",
    "expires": "2026-12-06 20:00 UTC",
    "minutes": 60,
    "exercise": True,
    "candidate": "Ada\r\nBcc: victim@example.org",
    "when": "",
    "updated": False,
    "cancelled": False,
    "at_deadline": False,
    "sent": "2026-11-29 20:00 UTC",
    "inviter": "Grace",
    "outcome": "hire",
    "role": "interviewer",
    "blind": True,
}


@pytest.mark.parametrize("name", MESSAGES)
def test_every_message_renders_and_escapes_in_html(name: str) -> None:
    out = render(name, CONTEXT)
    assert out.subject and "\n" not in out.subject and "\r" not in out.subject
    assert "<script>" not in out.html
    if "{{ name }}" in (Path(__file__).parents[2] / "src/mlscreen/mail/templates" / f"{name}.html").read_text():
        assert "&lt;script&gt;" in out.html


def test_a_value_with_a_line_break_cannot_add_a_header() -> None:
    out = render("assignment", CONTEXT)
    assert out.subject.startswith("Interview assigned: Ada Bcc: victim@example.org")
    msg = build_message(
        message_id="<1@x>", from_="a@example.org", to="b@example.org", subject=out.subject, text="t", html="h"
    )
    assert msg["Bcc"] is None and "\nBcc:" not in msg.as_string()
    with pytest.raises(ValueError):
        build_message(
            message_id="<1@x>",
            from_="a@example.org",
            to="b@example.org\r\nBcc: c@example.org",
            subject="s",
            text="t",
            html="h",
        )


def test_a_deployment_template_replaces_the_packaged_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "invite.subject.txt").write_text("Welcome to {{ opening }}\n")
    monkeypatch.setenv("MLSCREEN_MAIL_TEMPLATES", str(tmp_path))
    out = render("invite", CONTEXT)
    assert out.subject == "Welcome to ML Engineer"
    assert "Open it here" in out.text  # the files not replaced are still the packaged ones


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, "starttls", "", "")),
        (
            "smtp://u%40x:p%20w@mail.example.org:587?starttls=required",
            ("mail.example.org", 587, "required", "u@x", "p w"),
        ),
        ("smtp://127.0.0.1:2525?starttls=no", ("127.0.0.1", 2525, "none", "", "")),
        ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "implicit", "u", "p")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[str, int, str, str, str]) -> None:
    server = parse_url(url)
    assert (server.host, server.port, server.tls, server.username, server.password) == expected
    assert "p w" not in repr(server) and ":p@" not in repr(server)


@pytest.mark.parametrize(
    "url", ["http://mail.example.org", "smtp://", "smtp://h:port", "smtp://h?starttls=maybe", "smtp://h?timeout=0"]
)
def test_bad_smtp_urls_say_what_is_wrong(url: str) -> None:
    with pytest.raises(UsageError, match="MLSCREEN_SMTP_URL"):
        parse_url(url)


def test_the_sender_must_be_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_MAIL_FROM", "Hiring <hiring@example.org>")
    assert sender() == "Hiring <hiring@example.org>"
    monkeypatch.setenv("MLSCREEN_MAIL_FROM", "nobody")
    with pytest.raises(UsageError, match="MLSCREEN_MAIL_FROM"):
        sender()


@pytest.mark.parametrize(
    ("stage", "named"),
    [("Coding assessment", "Coding assessment"), ("ML system design", "ML system design assessment")],
)
def test_an_assessment_is_named_once_whatever_the_stage_title(stage: str, named: str) -> None:
    for name in ("submitted", "link_reminder"):
        out = render(name, {**CONTEXT, "stage": stage})
        assert named in out.subject and "assessment assessment" not in out.subject + out.text + out.html
