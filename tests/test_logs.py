"""The log handler follows the process's standard error, whatever it is when a record is written."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from mlscreen.logs import configure_logging


def test_records_go_to_the_current_stderr_even_after_the_configured_one_closed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    handler = configure_logging()
    try:
        first.close()  # e.g. a test runner's capture ended, or a daemon closed its stderr
        now = io.StringIO()
        monkeypatch.setattr(sys, "stderr", now)
        logging.getLogger("mlscreen.test").warning("still heard")
        out = now.getvalue()
        assert "still heard" in out and "Logging error" not in out
    finally:
        root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])


def test_a_logged_exception_shows_where_but_never_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    # Background threads log failures with exc_info: their records must follow the same rule as request errors.
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    handler = configure_logging()
    try:
        try:
            raise ValueError("candidate " + "zelda" + "@example.org")
        except ValueError:
            logging.getLogger("mlscreen.test").warning("a duty failed", exc_info=True)
        text = out.getvalue()
        assert "a duty failed" in text and "builtins.ValueError (message not logged)" in text and "test_logs.py" in text
        assert "zelda@example.org" not in text
    finally:
        root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])


def test_link_tokens_in_servers_lines_are_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn logs every websocket handshake with its path, and a candidate's room link is in it.
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stderr", out)
    handler = configure_logging()
    try:
        line = '%s - "WebSocket %s" [accepted]'
        logging.getLogger("uvicorn.error").info(line, "127.0.0.1:5", "/room/Secret-Token_1/socket")
        logging.getLogger("uvicorn.error").info(line, "127.0.0.1:5", "/assess/Other-Secret")
        text = out.getvalue()
        assert "/room/<token>/socket" in text and "/assess/<token>" in text and "Secret" not in text
    finally:
        root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])
