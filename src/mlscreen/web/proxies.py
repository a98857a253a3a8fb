"""The client's address: the peer, or what a configured reverse proxy says in X-Forwarded-For, never more.

The sign-in limiter keys on the client's address and the access log records it. A forwarded header is
believed only from the proxies in MLSCREEN_TRUSTED_PROXIES: from anyone else it is a claim the client makes
about itself, and believing it would let every request pick a fresh address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from mlscreen.settings import Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """Return the address of the client: walking X-Forwarded-For from the right, the first hop not trusted.

    `forwarded_for` are the header's values in order; a hop that is not an address ends the walk at the last
    address that was.
    """

    def is_trusted(text: str) -> bool:
        found = _address(text)
        return found is not None and any(found in net for net in trusted)

    if not trusted or not is_trusted(peer):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    current = peer
    for hop in reversed(hops):
        if _address(hop) is None:
            break
        current = hop
        if not is_trusted(hop):
            break
    return current


class ClientAddress:
    """ASGI middleware: replaces the scope's client with `client_address`, so every layer sees the same one."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = list(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        peer = scope.get("client")
        if scope["type"] in ("http", "websocket") and self.trusted and peer:
            forwarded = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"]
            host = client_address(str(peer[0]), forwarded, self.trusted)
            if host != peer[0]:
                scope = {**scope, "client": (host, 0)}
        await self.app(scope, receive, send)
