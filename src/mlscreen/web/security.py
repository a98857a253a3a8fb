"""Cookies and CSRF: signed HttpOnly session cookies, per-session CSRF tokens, the secret key."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from itsdangerous import BadSignature, Signer
from starlette.responses import Response

from mlscreen import settings
from mlscreen.private import private_directory

SESSION_COOKIE = "mlscreen_session"
LOGIN_CSRF_COOKIE = "mlscreen_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def secret_key() -> str:
    """Return `MLSCREEN_SECRET_KEY`, or a key generated once and kept (mode 0600) in the data directory."""
    configured = settings.SECRET_KEY.get().reveal()
    if configured:
        return str(configured)
    data_dir: Path = settings.DATA_DIR.get()
    path = data_dir / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    private_directory(data_dir)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another server process created it first
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def pseudonym_key(secret: str) -> bytes:
    """Return the key blind review's pseudonyms are made with, derived from the server's secret key.

    A key of its own: knowing a pseudonym tells nothing about the cookie signatures, and the reverse.
    """
    return hmac.new(secret.encode("utf-8"), b"mlscreen.pseudonym", hashlib.sha256).digest()


class CookieJar:
    """Signs and reads the cookies of the application."""

    def __init__(self, key: str, *, secure: bool) -> None:
        self._signer = Signer(key, salt="mlscreen.session")
        self._key = key.encode("utf-8")
        self.key = key
        self.secure = secure

    def set_session(self, response: Response, token: str, max_age: int) -> None:
        """Put the signed session token in an HttpOnly, SameSite=Lax cookie."""
        value = self._signer.sign(token).decode("ascii")
        response.set_cookie(
            SESSION_COOKIE, value, max_age=max_age, httponly=True, samesite="lax", secure=self.secure, path="/"
        )

    def read_session(self, raw: str | None) -> str | None:
        """Return the session token from a cookie value, or None when it is missing or its signature is wrong."""
        if not raw:
            return None
        try:
            return self._signer.unsign(raw).decode("ascii")
        except BadSignature:
            return None

    def clear_session(self, response: Response) -> None:
        """Remove the session cookie."""
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure)

    def set_login_csrf(self, response: Response, token: str) -> None:
        """Set the double-submit CSRF cookie the sign-in form is checked against."""
        response.set_cookie(
            LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=self.secure, path="/"
        )

    def portal_csrf(self, token_digest: str) -> str:
        """Return the CSRF token of a candidate's assessment page, derived from the link's hash."""
        return hmac.new(self._key, f"portal:{token_digest}".encode(), hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Compare two tokens in constant time; missing tokens never match."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
