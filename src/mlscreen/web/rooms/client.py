"""A room participant in Python (a websocket client with its own copy of the document): for scripts and load tests.

It speaks what the room page's script speaks: sync step 1 on connecting, each local change as an update, the
server's messages applied to its document. `code` is the shared pad as this participant sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from pycrdt import Text, TransactionEvent
from websockets.asyncio.client import ClientConnection, connect

from mlscreen.store.roomdoc import CODE, code_of, new_doc
from mlscreen.web.rooms import protocol


class RoomClient:
    """One participant: `async with RoomClient(url, origin=...) as me:` then `me.type(...)` and `me.code`."""

    def __init__(self, url: str, *, origin: str, cookie: str | None = None) -> None:
        self.url = url
        self.origin = origin
        self.cookie = cookie
        self.doc = new_doc()
        self.text = self.doc.get(CODE, type=Text)
        self.messages: list[dict[str, Any]] = []
        self.received_at: list[tuple[float, bytes]] = []
        """(monotonic time, update) of every document update the server sent."""
        self.closed: int | None = None
        self._socket: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._applying = False
        self._pending: list[bytes] = []
        self.doc.observe(self._local)

    async def __aenter__(self) -> RoomClient:
        await self.connect()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        """Open the websocket and start syncing (what this side changed meanwhile is merged)."""
        headers = {"Cookie": self.cookie} if self.cookie else None
        self._socket = await connect(self.url, origin=self.origin, additional_headers=headers)  # type: ignore[arg-type]
        self.closed = None
        await self._socket.send(protocol.step1_frame(self.doc.get_state()))
        self._reader = asyncio.get_running_loop().create_task(self._read(self._socket))

    async def close(self) -> None:
        """Close the websocket (the document stays, and can be synced again with `connect`)."""
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await self._reader
        self._socket = self._reader = None

    @property
    def code(self) -> str:
        """Return the code pad's text as this participant has it."""
        return code_of(self.doc)

    def type(self, text: str, *, at: int | None = None) -> None:
        """Insert `text` in the pad (at the end by default); the update is sent at once when connected."""
        self.text.insert(len(self.text) if at is None else at, text)
        self._send_pending()

    async def send_json(self, message: dict[str, Any]) -> None:
        """Send one of the room's JSON commands (for example `{"type": "run", "mode": "code"}`)."""
        if self._socket is not None:
            await self._socket.send(json.dumps(message))

    async def wait_for(self, check: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait until `check()` holds; return False when `timeout` seconds pass first."""
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def _local(self, event: TransactionEvent) -> None:
        if not self._applying:
            self._pending.append(event.update)

    def _send_pending(self) -> None:
        socket, self_pending = self._socket, self._pending
        if socket is None or not self_pending:
            return
        self._pending = []
        for update in self_pending:
            asyncio.get_running_loop().create_task(socket.send(protocol.update_frame(update)))

    async def _read(self, socket: ClientConnection) -> None:
        try:
            async for frame in socket:
                if isinstance(frame, str):
                    self.messages.append(json.loads(frame))
                elif frame[:1] == bytes([protocol.SYNC]):
                    await self._sync(socket, frame)
        except Exception:  # the connection ended: `closed` says how
            pass
        self.closed = socket.close_code or 1006

    async def _sync(self, socket: ClientConnection, frame: bytes) -> None:
        kind, payload = protocol.sync_update_of(frame)
        if kind == protocol.STEP1:
            await socket.send(protocol.step2_frame(self.doc.get_update(payload)))
            self._pending = []  # edits made while away are in that answer
            return
        self._applying = True
        try:
            self.doc.apply_update(payload)
        finally:
            self._applying = False
        self.received_at.append((time.monotonic(), payload))
