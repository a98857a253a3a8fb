"""E-mail templates: a subject, a text body and an HTML body per message, overridable per deployment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape

from mlscreen import settings
from mlscreen.errors import UsageError

PACKAGED = Path(__file__).parent / "templates"
MAX_SUBJECT = 200
MESSAGES: tuple[str, ...] = (
    "invite",
    "link_reminder",
    "submitted",
    "assignment",
    "interview",
    "scorecard_reminder",
    "password_reset",
)
"""Every message the application writes; each has NAME.subject.txt, NAME.txt and NAME.html."""


@dataclass(frozen=True)
class Rendered:
    """A message's subject (one line) and its text and HTML bodies."""

    subject: str
    text: str
    html: str


@cache
def _environments(extra: tuple[Path, ...]) -> tuple[Environment, Environment]:
    loader = ChoiceLoader([*(FileSystemLoader(str(p)) for p in extra), FileSystemLoader(str(PACKAGED))])
    plain = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
    html = Environment(loader=loader, autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    for environment in (plain, html):
        environment.filters["assessment"] = assessment_name
    return plain, html


def assessment_name(stage: str) -> str:
    """Return how messages name a stage's assessment: "ML system design assessment", but "Coding assessment"
    for a stage whose title says so already (never "Coding assessment assessment")."""
    return stage if stage.lower().endswith("assessment") else f"{stage} assessment"


def one_line(text: str) -> str:
    """Return `text` on one line: every run of white space (line breaks included) becomes one space."""
    return " ".join(text.split())[:MAX_SUBJECT]


def render(name: str, context: dict[str, Any]) -> Rendered:
    """Render message `name` with `context` (deployment templates first, then the packaged ones).

    The subject is folded onto one line, so no value can start a header of its own; the HTML body escapes every
    value. Raises `UsageError` for a template that is missing or fails to render.
    """
    plain, html = _environments(tuple(settings.MAIL_TEMPLATES.get()))
    try:
        subject = plain.get_template(f"{name}.subject.txt").render(context)
        text = plain.get_template(f"{name}.txt").render(context)
        body = html.get_template(f"{name}.html").render(context)
    except TemplateNotFound as exc:
        raise UsageError(
            f"the e-mail template {exc.name} is missing", hint="check MLSCREEN_MAIL_TEMPLATES (see docs/email.md)"
        ) from None
    except Exception as exc:  # a deployment's template with an error: say which, not a stack trace
        raise UsageError(
            f"the e-mail template {name!r} could not be rendered ({type(exc).__name__}: {exc})",
            hint="fix the template in MLSCREEN_MAIL_TEMPLATES (see docs/email.md)",
        ) from None
    return Rendered(one_line(subject), text, body)
