"""Markdown in the bank's texts: rendered, code highlighted, sanitised; shown so in the portal and the kit."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from mlscreen.web.markdown import render_markdown, sanitise
from tests.web.conftest import World
from tests.web.test_portal import begin

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<iframe src='https://example.org'></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    "```html\n<script>alert(1)</script>\n```",
    "[x](<javascript:alert(1)>)",
    "![x](https://example.org/x.png)",
]


def test_markdown_renders_code_lists_and_highlighting() -> None:
    html = str(render_markdown("Return `df.copy()`:\n\n- one\n- two\n\n```python\ndef f(x):\n    return x\n```"))
    assert "<code>df.copy()</code>" in html
    assert "<li>one</li>" in html and "<li>two</li>" in html
    assert '<span class="tok-k">def</span>' in html  # highlighted on the server, no script needed
    assert "`" not in html


class Elements(HTMLParser):
    """Every element of a fragment, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def dangers(html: str) -> list[str]:
    """Return what in `html` could run a script: script-like elements, event handlers, javascript: links."""
    parser = Elements()
    parser.feed(html)
    out = []
    for tag, attrs in parser.found:
        if tag in {"script", "iframe", "style", "svg", "img", "object", "embed", "form"}:
            out.append(tag)
        out += [f"{tag}.{k}" for k in attrs if k.startswith("on")]
        out += [f"{tag}.{k}" for k, v in attrs.items() if v.strip().lower().startswith(("javascript:", "data:"))]
    return out


@pytest.mark.parametrize("text", HOSTILE)
def test_scripts_event_handlers_and_unsafe_links_are_removed(text: str) -> None:
    html = str(render_markdown(f"Before\n\n{text}\n\nAfter"))
    assert dangers(html) == []
    assert "Before" in html and "After" in html


RAW = [t for t in HOSTILE if t.startswith("<")] + ['<a href="javascript:alert(1)">x</a>', '<p onmouseover="x()">p</p>']


@pytest.mark.parametrize("text", RAW)
def test_the_sanitiser_removes_them_from_raw_html_too(text: str) -> None:
    assert dangers(text)  # the input is hostile
    assert dangers(sanitise(text)) == []


def test_links_get_no_opener() -> None:
    html = str(render_markdown("[docs](https://example.org)"))
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html


def test_the_kit_shows_prompts_as_markdown(world: World) -> None:
    page = world.client("interviewer").get(f"/candidates/{world.candidate}/stages/2/scorecard")
    assert page.status_code == 200
    assert 'class="md"' in page.text


def test_the_portal_shows_the_prompt_as_markdown_and_examples_as_preformatted_text(world: World) -> None:
    client = TestClient(world.app)
    begin(client, world, world.token)
    page = client.get(f"/assess/{world.token}")
    assert 'class="prompt md"' in page.text
    prompt = page.text.split('class="prompt md">', 1)[1].split("</div>", 1)[0]
    if "`" in prompt or "<code>" in prompt:
        assert "`" not in prompt
    if 'class="example-list"' in page.text:
        assert '<pre class="value">' in page.text
