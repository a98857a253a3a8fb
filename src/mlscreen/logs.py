"""Log lines: timestamp, level, request id; tracebacks that show where, never what (no messages, no locals).

Operators need to know where an unexpected error happened; the exception's message may carry what the code
was handling (a candidate's answer, an e-mail address, a link token), so it is never logged, and neither are
local variables. SQLAlchemy is told to hide statement parameters (`store.db`).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str] = ContextVar("mlscreen_request_id", default="-")
FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


_LINK_TOKEN = re.compile(r"(/(?:assess|room)/)[^/\s\"?]+")


class LinkTokenFilter(logging.Filter):
    """Replaces candidates' link tokens in the paths other libraries log (uvicorn names each websocket's path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_LINK_TOKEN.sub(r"\1<token>", a) if isinstance(a, str) else a for a in record.args)
        return True


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or '-') to every record, as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class UtcFormatter(logging.Formatter):
    """ISO 8601 timestamps in UTC with milliseconds; a record's exception shown as `where` shows it (no message)."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the full traceback, message included, on the record: never reuse it.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: Any) -> str:
        return where(ei[1]) if ei and ei[1] is not None else ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        import time

        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is when a record comes, not to the stream it was when configured.

    A process that swaps or closes its standard error later (a daemon, a test runner capturing output) then
    never loses records to a closed stream.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass  # always the current sys.stderr


def configure_logging(level: int = logging.INFO) -> logging.Handler:
    """Send every logger's records (uvicorn's too) to stderr in the format above; return the handler."""
    handler = StderrHandler()
    handler.setFormatter(UtcFormatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    handler.addFilter(LinkTokenFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_mlscreen", False)]:
        root.removeHandler(old)
    handler._mlscreen = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def where(exc: BaseException) -> str:
    """Return the traceback of `exc` (and the exceptions it was raised from) without messages or locals."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        kind = type(current)
        block = [f"{kind.__module__}.{kind.__qualname__} (message not logged)", *traceback.format_list(frames)]
        parts.append("".join(line if line.endswith("\n") else line + "\n" for line in block))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "--- raised while handling or from ---\n".join(parts).rstrip("\n")
