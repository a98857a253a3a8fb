"""The HTTP protocol uvicorn should serve the application with: its own, with Nagle's algorithm switched off.

uvicorn's multi-process mode (`--workers N`) listens on a socket made without naming TCP as its protocol, and
asyncio then leaves Nagle's algorithm on for the connections it accepts: a response written in two parts waits
for the client's delayed acknowledgement, about 40 ms per request on a kept-alive connection. Serve with
`uvicorn --http mlscreen.web.serving:HttpProtocol ...` to avoid it.
"""

from __future__ import annotations

import asyncio
import socket

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # httptools missing: uvicorn's pure-Python parser
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]


def set_nodelay(transport: asyncio.BaseTransport) -> None:
    """Switch Nagle's algorithm off on the transport's TCP socket (other sockets are left alone)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class HttpProtocol(_Base):
    """uvicorn's fastest available HTTP protocol, sending each response as soon as it is written."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)


def uvicorn_options() -> dict[str, object]:
    """Return how `mlscreen serve` runs uvicorn (tests start their servers the same way).

    uvicorn's own X-Forwarded-For handling is off: by default it believes the header from 127.0.0.1, so any
    local process (or a proxy passing the header through) could choose the client address the sign-in limiter
    keys on. `mlscreen.web.proxies` believes it only from MLSCREEN_TRUSTED_PROXIES. uvicorn's access log is off
    too: it writes raw paths, which hold candidates' link tokens; the application writes its own. Its logging
    set-up is skipped: `mlscreen.logs.configure_logging` formats every logger's records the same way.
    """
    return {"http": HttpProtocol, "proxy_headers": False, "access_log": False, "log_config": None}
