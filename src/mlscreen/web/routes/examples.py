"""The portal's "Run examples": the editor's code against the exercise's visible examples, rate-limited."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from mlscreen.errors import MlscreenError, RateLimitError
from mlscreen.jobs import adapters
from mlscreen.store.assessments import examples_to_run
from mlscreen.web.guard import Ctx, current
from mlscreen.web.routes.assessment import _closed_for_time, _code, _invite
from mlscreen.web.templating import render

router = APIRouter(include_in_schema=False)
CtxDep = Annotated[Ctx, Depends(current)]
RUNS_PER_WINDOW = 6
WINDOW_SECONDS = 60.0


class RunLimiter:
    """Per assessment: one run at a time and at most `per_window` runs in any `window` seconds."""

    def __init__(self, *, per_window: int = RUNS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self.per_window = per_window
        self.window = window
        self._lock = threading.Lock()
        self._running: set[int] = set()
        self._started: dict[int, deque[float]] = {}

    def acquire(self, key: int) -> None:
        """Start a run for `key`; raises `RateLimitError` when one is running or the window's runs are used up."""
        now = time.monotonic()
        with self._lock:
            if key in self._running:
                raise RateLimitError("your examples are still running", hint="wait for their results, then try again")
            started = self._started.setdefault(key, deque())
            while started and started[0] <= now - self.window:
                started.popleft()
            if len(started) >= self.per_window:
                wait = int(started[0] + self.window - now) + 1
                raise RateLimitError(
                    f"examples can be run {self.per_window} times a minute",
                    hint=f"try again in {wait} seconds",
                )
            started.append(now)
            self._running.add(key)

    def running(self) -> int:
        """Return how many runs are going now."""
        with self._lock:
            return len(self._running)

    def release(self, key: int) -> None:
        """End the run for `key`."""
        with self._lock:
            self._running.discard(key)


_limiters_lock = threading.Lock()


def limiter_of(app: FastAPI) -> RunLimiter:
    """Return the application's run limiter (made on first use)."""
    with _limiters_lock:
        found = getattr(app.state, "example_runs", None)
        if not isinstance(found, RunLimiter):
            found = app.state.example_runs = RunLimiter()
        return found


def _fragment(
    ctx: Ctx,
    *,
    status: int = 200,
    result: object = None,
    error: MlscreenError | None = None,
    template: str = "_examples.html",
) -> Response:
    return render(ctx.request, template, status=status, result=result, error=error)


async def _run_in_sandbox(ctx: Ctx, code: str, run: Callable[[str], Any], template: str) -> Response:
    """Check the link may still run code, release the connection, run `run(exercise_id)` under the per-link rate
    limit, and answer with `template` as an HTML fragment (or the refusal)."""

    def check() -> tuple[Response | None, int, str]:
        refused = _closed_for_time(ctx)
        if refused is not None:
            return refused, 0, ""
        invite = _invite(ctx)
        return None, invite.id, examples_to_run(invite, code=code, now=ctx.now, grace=ctx.grace)

    try:
        refused, key, exercise_id = await run_in_threadpool(check)
        if refused is not None:
            return refused
        # The run takes up to the exercise's time limit: hold no transaction and no connection meanwhile.
        await ctx.release()
        limiter = limiter_of(ctx.request.app)
        limiter.acquire(key)
        try:
            result = await anyio.to_thread.run_sync(run, exercise_id)
        finally:
            limiter.release(key)
    except MlscreenError as exc:
        return _fragment(ctx, status=exc.status, error=exc, template=template)
    return _fragment(ctx, result=result, template=template)


@router.post("/assess/{token}/examples", name="portal_examples")
async def portal_examples(ctx: CtxDep, token: str) -> Response:
    """Run the submitted code against the exercise's visible examples; the results as an HTML fragment.

    Refused (409) once time is up or the work is submitted, (413) for code over the submission limit, and (429)
    while a run is going or too many were made. No transaction or connection is held while the code runs.
    """
    code = _code(await ctx.request.form()) or ""
    return await _run_in_sandbox(
        ctx, code, lambda exercise_id: adapters.run_examples(ctx.bank, code, exercise_id), "_examples.html"
    )


@router.post("/assess/{token}/try", name="portal_try")
async def portal_try(ctx: CtxDep, token: str) -> Response:
    """Call one of the exercise's functions with the candidate's own arguments (Python literals, parsed outside the
    sandbox) in the same sandbox as the examples; what it returned and printed, as an HTML fragment.

    Refused like `portal_examples` (409, 413, 429), and (422) for arguments that are not literals or an unknown
    function. No transaction or connection is held while the code runs.
    """
    form = await ctx.request.form()
    code = _code(form) or ""
    function, arguments = str(form.get("try_function") or "")[:100], str(form.get("try_args") or "")
    return await _run_in_sandbox(
        ctx,
        code,
        lambda exercise_id: adapters.run_call(ctx.bank, code, exercise_id, function, arguments),
        "_try.html",
    )
