"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the tests, that can refuse, drop or stall on purpose."""

from __future__ import annotations

import asyncio
import socket
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.store.conftest import database, empty_database

__all__ = ["SmtpServer", "database", "empty_database", "smtp_server"]

USER, PASSWORD = "mailer", "s3cret pass"


@dataclass
class SmtpServer:
    """The server's address, what it received, and how it answers the next messages (first of `faults`)."""

    host: str
    port: int
    received: list[EmailMessage] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    """One entry per coming DATA: "refuse" (451), "drop" (connection closed, no reply), "stall" (no reply)."""
    release: threading.Event = field(default_factory=threading.Event)
    logins: list[str] = field(default_factory=list)
    stall_quit: bool = False
    """Answer QUIT only once `release` is set (a server slow to say goodbye after accepting a message)."""

    def url(self, *, auth: bool = False, timeout: float = 5.0) -> str:
        who = f"{USER}:{PASSWORD.replace(' ', '%20')}@" if auth else ""
        return f"smtp://{who}{self.host}:{self.port}?timeout={timeout}"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        fault = self.faults.pop(0) if self.faults else ""
        if fault == "refuse":
            return "451 4.3.0 try again later"
        if fault == "drop":
            server.transport.close()
            return "421 closing"
        if fault == "stall":  # never answers: the client times out; nothing is kept
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
            return "421 too late"
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.SMTP))
        return "250 2.0.0 queued"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stall_quit:
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return "221 Bye"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    if ok:
        server.event_handler.logins.append(USER)
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Start an SMTP server on 127.0.0.1 (AUTH offered without TLS: it is the loopback) and stop it after."""
    box = SmtpServer("127.0.0.1", _free_port())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # aiosmtpd warns that AUTH without TLS is offered: on purpose here
        controller = Controller(
            box,
            hostname=box.host,
            port=box.port,
            authenticator=_authenticate,
            auth_require_tls=False,
            auth_required=False,
        )
        controller.start()
    try:
        yield box
    finally:
        box.release.set()
        controller.stop()
