"""The SMTP transport: one message at a time through the server MLSCREEN_SMTP_URL names (standard library)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from mlscreen import settings
from mlscreen.errors import UsageError

TIMEOUT = 30.0
URL_HINT = "write it as smtp://user:password@host:587 or smtps://user:password@host:465 (see docs/email.md)"


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send: host, port, TLS mode ("none" | "starttls" | "required" | "implicit"), login."""

    host: str
    port: int
    tls: str
    username: str = ""
    password: str = ""
    timeout: float = TIMEOUT

    def __repr__(self) -> str:  # the password never shows
        return f"SmtpServer(host={self.host!r}, port={self.port}, tls={self.tls!r})"


def parse_url(url: str) -> SmtpServer:
    """Return the server described by an smtp:// or smtps:// URL; raises `UsageError` saying what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise UsageError("MLSCREEN_SMTP_URL is not an smtp:// or smtps:// address", hint=URL_HINT)
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise UsageError("MLSCREEN_SMTP_URL has a port that is not a number", hint=URL_HINT) from None
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["auto"])[-1]
    if starttls not in ("auto", "required", "no"):
        raise UsageError("MLSCREEN_SMTP_URL: starttls must be auto, required or no", hint=URL_HINT)
    tls = (
        "implicit" if parts.scheme == "smtps" else {"auto": "starttls", "required": "required", "no": "none"}[starttls]
    )
    return SmtpServer(
        host=parts.hostname,
        port=port,
        tls=tls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=_timeout(query.get("timeout", [str(TIMEOUT)])[-1]),
    )


def _timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 600:
        raise UsageError("MLSCREEN_SMTP_URL: timeout must be a number of seconds, up to 600", hint=URL_HINT)
    return seconds


def configured_server() -> SmtpServer | None:
    """Return the server from MLSCREEN_SMTP_URL, or None when it is empty (messages stay in the outbox)."""
    url = settings.SMTP_URL.get().reveal()
    return parse_url(url) if url else None


def sender() -> str:
    """Return the From address (MLSCREEN_MAIL_FROM); raises `UsageError` when it is not an address."""
    value = settings.MAIL_FROM.get()
    name, address = parseaddr(value)
    if "@" not in address or any(c in value for c in "\r\n"):
        raise UsageError(f"MLSCREEN_MAIL_FROM is not an e-mail address: {value!r}", hint="e.g. hiring@example.org")
    return str(Address(display_name=name, addr_spec=address))


def build_message(
    *, message_id: str, from_: str, to: str, subject: str, text: str, html: str, ics: str | None = None
) -> EmailMessage:
    """Return the MIME message (text and HTML alternatives, and a calendar part when `ics` is given).

    Header values go through the e-mail package's header policy, which refuses line breaks: a name or subject
    cannot add a header. Raises `ValueError` for such a value.
    """
    msg = EmailMessage()
    msg["From"] = from_
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if ics is not None:
        method = "CANCEL" if "\nMETHOD:CANCEL" in ics else "REQUEST"
        msg.add_attachment(
            ics.encode("utf-8"), maintype="text", subtype="calendar", filename="invite.ics", params={"method": method}
        )
    return msg


def _connect(server: SmtpServer) -> smtplib.SMTP:
    if server.tls == "implicit":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=ssl.create_default_context())
    conn = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    try:
        conn.ehlo()
        if server.tls in ("starttls", "required") and conn.has_extn("starttls"):
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        elif server.tls == "required":
            raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS, and starttls=required")
    except BaseException:
        conn.close()
        raise
    return conn


def send(server: SmtpServer, message: EmailMessage, *, accepted: Callable[[], None] | None = None) -> None:
    """Deliver `message` to the server; returns once the server has accepted it for every recipient.

    `accepted` is called the moment the server has accepted the message, before the polite goodbye (QUIT), whose
    wait may last up to the timeout: recording the delivery then leaves the least time in which a crash would
    make the message be sent again. Raises `smtplib.SMTPException` or `OSError` (refused, timed out, dropped)
    when the message was not accepted, and what `accepted` raises.
    """
    conn = _connect(server)
    try:
        if server.username:
            conn.login(server.username, server.password)
        refused = conn.send_message(message)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        if accepted is not None:
            accepted()
    finally:
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()
