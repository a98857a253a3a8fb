"""Each request gets an id (in every log line it causes and in the X-Request-ID header) and one access-log line.

The access line holds the method, the path with any link token replaced, the status, the duration, the
client address and the request id; never the query string, headers, cookies or bodies.
"""

from __future__ import annotations

import logging
import re
import secrets
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlscreen.logs import request_id

access = logging.getLogger("mlscreen.access")
HEADER = b"x-request-id"
# Path parameters that are credentials: their values never reach a log.
SECRET_PARAMS = frozenset({"token", "reset_token"})
_PORTAL = re.compile(r"^/(assess|room)/[^/]+")


def loggable_path(path: str, params: dict[str, object] | None = None) -> str:
    """Return `path` with link tokens replaced by `<token>`: the matched route's secret parameters and anything
    under /assess/ and /room/ (also when no route matched, e.g. a 404 below a valid link)."""
    for name in SECRET_PARAMS & set(params or {}):
        value = str((params or {})[name])
        if value:
            path = path.replace(value, f"<{name}>")
    return _PORTAL.sub(r"/\1/<token>", path)


class RequestLog:
    """ASGI middleware: sets the request id, adds the X-Request-ID header, writes the access-log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        rid = secrets.token_hex(8)
        reset = request_id.set(rid)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (HEADER, rid.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access.info(
                "%s %s %s %.1fms client=%s",
                scope.get("method", "WEBSOCKET"),
                loggable_path(str(scope.get("path", "")), scope.get("path_params")),
                status or "-",
                (time.perf_counter() - started) * 1000,
                client[0] if client else "-",
            )
            request_id.reset(reset)
