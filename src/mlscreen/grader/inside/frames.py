"""Length-prefixed JSON frames over a Unix socket, with a hard cap on each frame's size."""

from __future__ import annotations

import json
import socket
import struct
from typing import Any

HEADER = struct.Struct(">I")


class FrameError(OSError):
    """The peer closed the socket, sent a malformed frame or one larger than allowed."""


def send(sock: socket.socket, message: Any) -> None:
    """Send one JSON frame; raises `FrameError` if the peer is gone."""
    send_text(sock, json.dumps(message, separators=(",", ":")))


def send_text(sock: socket.socket, text: str) -> None:
    """Send one frame whose JSON text is already made; raises `FrameError` if the peer is gone."""
    body = text.encode("utf-8")
    try:
        sock.sendall(HEADER.pack(len(body)) + body)
    except OSError as exc:
        raise FrameError(f"peer gone: {exc}") from None


def _exact(sock: socket.socket, size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining:
        try:
            chunk = sock.recv(min(remaining, 1 << 20))
        except TimeoutError:
            raise
        except OSError as exc:
            raise FrameError(f"receive failed: {exc}") from None
        if not chunk:
            raise FrameError("peer closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket, max_bytes: int) -> Any:
    """Receive one JSON frame of at most `max_bytes`; raises `FrameError`, or `TimeoutError` past the timeout."""
    (size,) = HEADER.unpack(_exact(sock, HEADER.size))
    if size > max_bytes:
        raise FrameError(f"frame of {size} bytes is larger than the {max_bytes} allowed")
    body = _exact(sock, size)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FrameError("malformed frame") from None
