"""Addresses the application hands out (candidates' links), built from MLSCREEN_BASE_URL, never a request's Host."""

from __future__ import annotations

from starlette.requests import Request

from mlscreen import settings
from mlscreen.errors import UsageError

MISSING_HINT = (
    "set MLSCREEN_BASE_URL to the address people open, e.g. MLSCREEN_BASE_URL=https://screening.example.org "
    "(or run `mlscreen serve --demo` to try it on this machine)"
)


def resolve_base_url(given: str | None) -> str:
    """Return `given` (else `MLSCREEN_BASE_URL`) checked and without a trailing slash.

    Raises `UsageError` when it is missing or not an http(s) address: links a Host header could choose would send
    candidates, and their link's secret, wherever a forged request pointed them.
    """
    if given is None:
        value = settings.BASE_URL.get()
    else:
        try:
            value = settings.URL.from_text(given)
        except ValueError as exc:
            raise UsageError(f"the base URL is not valid: {exc}", hint=MISSING_HINT) from None
    if not value:
        raise UsageError("MLSCREEN_BASE_URL is not set: candidates' links are built from it", hint=MISSING_HINT)
    return value


def portal_link(request: Request, token: str) -> str:
    """Return the absolute address of the assessment portal for the link `token`."""
    base: str = request.app.state.base_url
    path: str = request.app.url_path_for("portal_page", token=token)
    return base + path


def page_link(request: Request, name: str, **params: object) -> str:
    """Return the absolute address of the route `name` with `params` (for links in e-mails)."""
    base: str = request.app.state.base_url
    return base + str(request.app.url_path_for(name, **{k: str(v) for k, v in params.items()}))
