"""The portal's own-input runner: the candidate's function called with their literals, in the real sandbox, with
their prints shown in a console (capped, terminal escapes removed)."""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from mlscreen.jobs.adapters import close_grader_pool
from tests.conftest import require_service
from tests.web.conftest import World
from tests.web.test_examples import opened


@pytest.fixture
def sandboxed(make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    require_service("bubblewrap", shutil.which("bwrap") is not None, "install it with `apt-get install bubblewrap`")
    monkeypatch.setenv("MLSCREEN_WORKERS", "1")
    yield make_world()
    close_grader_pool()


def submission(entry: str) -> str:
    return (
        "import os\n"
        f"def {entry}(*args, **kwargs):\n"
        "    print('hello \\x1b[31mred\\x1b[0m <b>bold</b>')\n"
        "    print('x' * 40000)\n"
        "    return {'args': args, 'kwargs': kwargs, 'uid': os.getuid()}\n"
    )


@pytest.mark.sandbox
@pytest.mark.slow
def test_own_input_runs_in_the_sandbox_with_a_console(sandboxed: World) -> None:
    world = sandboxed
    client = TestClient(world.app)
    csrf, exercise = opened(world, client)
    entry = world.app.state.bank.get(exercise).entrypoints[0]
    page = client.get(f"/assess/{world.token}").text
    assert 'id="run-mine"' in page and f"<option>{entry}</option>" in page

    def run(args: str, function: str = entry) -> tuple[int, str]:
        data = {"csrf_token": csrf, "code": submission(entry), "try_function": function, "try_args": args}
        answer = client.post(f"/assess/{world.token}/try", data=data)
        return answer.status_code, answer.text

    status, raw = run('[1, 2], k={"a": None}')
    assert status == 200, raw
    assert "<b>bold</b>" not in raw  # the candidate's prints are text, never markup
    text = html.unescape(raw)
    assert "'args': ([1, 2],)" in text and "'kwargs': {'k': {'a': None}}" in text
    assert "'uid': 65534" in text or "'uid': 0" not in text  # the sandbox's user, not the server's
    console = text.split('id="try-console">', 1)[1].split("</pre>", 1)[0]
    assert "hello red <b>bold</b>" in console and "\x1b" not in console  # terminal escapes removed
    assert "[output cut after 16 KB]" in console and len(console) < 17 * 1024

    status, text = run("__import__('os').system('id')")
    assert status == 422 and "only literal values" in text
    status, text = run("1", function="os")
    assert status == 422 and "is not a function of this exercise" in text


def test_own_input_is_refused_without_the_links_token(world: World) -> None:
    client = TestClient(world.app)
    answer = client.post(f"/assess/{world.token}/try", data={"code": "x = 1", "try_args": "1"})
    assert answer.status_code == 403
