"""Flash messages: one line of feedback ("Saved", "3 candidates imported") shown once on the next page.

The message rides in a short-lived signed cookie set on the redirect; the next page rendered reads it, shows it in
base.html (`role="status"`, so screen readers announce it) and deletes the cookie. Nothing is stored on the server,
and a forged or stale cookie shows nothing.
"""

from __future__ import annotations

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

FLASH_COOKIE = "mlscreen_flash"
MAX_CHARS = 300


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.cookies.key, salt="mlscreen.flash")


def flash(request: Request, response: Response, message: str) -> Response:
    """Set `message` (cut to MAX_CHARS) to be shown once on the next page; return `response`."""
    value = _serializer(request).dumps(message[:MAX_CHARS])
    secure = bool(request.app.state.cookies.secure)
    response.set_cookie(FLASH_COOKIE, value, max_age=120, httponly=True, samesite="lax", secure=secure, path="/")
    return response


def take_flash(request: Request) -> str | None:
    """Return the message waiting for this request, if any (the caller deletes the cookie with `clear_flash`)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        message = _serializer(request).loads(raw)
    except BadSignature:
        return None
    return message[:MAX_CHARS] if isinstance(message, str) else None


def clear_flash(request: Request, response: Response) -> None:
    """Delete the flash cookie on `response` when the request carried one."""
    if FLASH_COOKIE in request.cookies:
        secure = bool(request.app.state.cookies.secure)
        response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
