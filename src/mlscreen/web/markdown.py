"""Markdown of the bank's texts (prompts, questions) as safe HTML: rendered, code highlighted, then sanitised."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# What the bank's texts use; everything else (scripts, styles, event handlers, images, raw HTML) is removed.
TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "span", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "span": {"class"}, "pre": {"class"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_FORMATTER = HtmlFormatter(nowrap=True, classprefix="tok-")


def _highlight(code: str, language: str, _attrs: str) -> str:
    """Return `code` as highlighted HTML spans (Pygments classes prefixed `tok-`), or "" to let it be escaped."""
    try:
        lexer = get_lexer_by_name(language or "python")
    except ClassNotFound:
        return ""
    return str(highlight(code, lexer, _FORMATTER))


_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False, "highlight": _highlight}).enable("table")
_RENDERER.enable("strikethrough")


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> Markup:
    """Return the Markdown `text` as sanitised HTML: raw HTML, scripts, event handlers and unsafe links removed."""
    return Markup(sanitise(_RENDERER.render(text or "")))


def sanitise(html: str) -> str:
    """Return `html` with only the tags, attributes and link schemes of `TAGS`, `ATTRIBUTES` and `URL_SCHEMES`.

    The renderer already escapes raw HTML; this is the second wall, should a plugin or a change let some through.
    """
    return str(
        nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    )


def highlight_css() -> str:
    """Return the style sheet of highlighted code (the first part of `static/pages.css`)."""
    return str(_FORMATTER.get_style_defs(".md pre"))
