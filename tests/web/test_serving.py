"""The HTTP protocol for uvicorn: connections accepted on a socket like uvicorn's multi-process one get TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mlscreen.web.serving import HttpProtocol, set_nodelay


def test_connections_on_a_socket_made_like_uvicorns_get_nodelay() -> None:
    seen: dict[str, int] = {}

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen["before"] = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            set_nodelay(transport)
            seen["after"] = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            transport.close()

    async def main() -> None:
        listener = socket.socket(family=socket.AF_INET)  # no protocol named, as uvicorn's bind_socket does
        listener.bind(("127.0.0.1", 0))
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if "after" in seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    assert seen == {"before": 0, "after": 1}  # asyncio left Nagle on; set_nodelay turns it off


def test_the_protocol_is_uvicorns_fast_one() -> None:
    assert issubclass(HttpProtocol, HttpToolsProtocol)
