"""Static files: fingerprinted names cached for a year, compressed once with gzip, revalidated by ETag otherwise.

Pages link to `/static/editor.3f2a9c01b4de.js` (the content's hash in the name), so a browser keeps the file until
a release changes it and never asks again meanwhile; the plain name `/static/editor.js` still answers, revalidated on
every use. Text files are sent gzip-compressed to clients that accept it (the editor bundle shrinks to about a
third). Each file is read, hashed and compressed once per process, when first asked for: the files ship with the
package and do not change while the server runs (like the templates), so pages naming them never touch the disk.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
HASH_CHARS = 12
_FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_CHARS}}})(?P<suffix>\.[A-Za-z0-9]+)$")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True)
class Asset:
    """One static file as it is served."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    digest: str

    @property
    def etag(self) -> str:
        return f'"{self.digest}"'


class Assets:
    """The files of one directory, served as an ASGI app (mount it), each also under its fingerprinted name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self._cache: dict[str, Asset] = {}
        self._lock = threading.Lock()

    def fingerprinted(self, name: str) -> str:
        """Return the name under which the file `name` (relative to the directory) is served for a year; raises
        `LookupError` if there is no such file."""
        asset = self.get(name)
        if asset is None:
            raise LookupError(f"no static file {name!r}")
        path = PurePosixPath(name)
        return str(path.with_name(f"{path.stem}.{asset.digest[:HASH_CHARS]}{path.suffix}"))

    def get(self, name: str) -> Asset | None:
        """Return the file `name` as served, or None when the directory has no such file."""
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None:
            return cached
        file = self._file(name)
        if file is None:
            return None
        try:
            asset = _load(file)
        except OSError:
            return None
        with self._lock:
            self._cache[name] = asset
        return asset

    def _file(self, name: str) -> Path | None:
        if not name or "\x00" in name or name.startswith("/") or ".." in PurePosixPath(name).parts:
            return None
        file = (self.directory / name).resolve()
        if not file.is_relative_to(self.directory) or not file.is_file():
            return None
        return file

    def response(self, name: str, headers: Headers, *, head: bool = False) -> Response:
        """Return the response to a GET (or HEAD) of `name`, fingerprinted or plain."""
        wanted, immutable = name, False
        match = _FINGERPRINTED.match(PurePosixPath(name).name)
        if match is not None and self.get(name) is None:
            wanted = str(PurePosixPath(name).with_name(match["stem"] + match["suffix"]))
            immutable = True
        asset = self.get(wanted)
        if asset is None or (immutable and match is not None and not asset.digest.startswith(match["hash"])):
            # An old fingerprint after a release is not served under the new content's long cache.
            return PlainTextResponse("Not Found", status_code=404)
        common = {
            "Cache-Control": IMMUTABLE if immutable else REVALIDATE,
            "ETag": asset.etag,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        if asset.etag in _etags(headers.get("if-none-match", "")):
            return Response(status_code=304, headers=common)
        body = asset.body
        if asset.gzipped is not None and _accepts_gzip(headers.get("accept-encoding", "")):
            body = asset.gzipped
            common["Content-Encoding"] = "gzip"
        response = Response(b"" if head else body, media_type=asset.media_type, headers=common)
        response.headers["Content-Length"] = str(len(body))
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            response: Response = PlainTextResponse(
                "Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"}
            )
        else:
            path, root = scope["path"], scope.get("root_path", "")
            name = (path[len(root) :] if root and path.startswith(root) else path).lstrip("/")
            response = self.response(name, Headers(scope=scope), head=method == "HEAD")
        await response(scope, receive, send)


def _load(file: Path) -> Asset:
    body = file.read_bytes()
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type == "image/svg+xml":
        media_type += "; charset=utf-8"
    gzipped = None
    if media_type.startswith(COMPRESSIBLE) and len(body) > 1024:
        # mtime=0: the same file compresses to the same bytes in every process (one ETag behind a balancer).
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(body) else None
    return Asset(body, gzipped, media_type, hashlib.sha256(body).hexdigest())


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return not re.search(r"q\s*=\s*0(\.0*)?\s*$", params.strip())
    return False
