"""Form routes' one pattern: save and redirect, or re-render the page with what was typed and the bad fields marked."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import RedirectResponse, Response

from mlscreen.errors import InvalidFieldsError, MlscreenError
from mlscreen.web.flash import flash
from mlscreen.web.guard import Ctx


@dataclass(frozen=True)
class FormState:
    """What a form was submitted with (every value of every field) and the fields the server refused, with why."""

    values: Mapping[str, list[str]] = field(default_factory=dict)
    invalid: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        """Return the first value submitted for `name` (`default` when there was none)."""
        found = self.values.get(name)
        return found[0] if found else default

    def __getitem__(self, name: str) -> str:
        return self.value(name)

    def checked(self, name: str, value: object) -> bool:
        """Return True when `value` was among the submitted values of `name` (a ticked box or chosen radio)."""
        return str(value) in self.values.get(name, [])

    def error(self, name: str) -> str | None:
        """Return why the server refused the field `name`, if it did."""
        return self.invalid.get(name)


EMPTY = FormState()


def form_values(form: Any) -> dict[str, list[str]]:
    """Return every text value of a submitted form by field name (file uploads left out)."""
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


def save_or_rerender(
    ctx: Ctx,
    values: Mapping[str, list[str]],
    save: Callable[[], str | Response],
    rerender: Callable[[FormState, MlscreenError], Response],
    *,
    done: str | Callable[[], str] | None = None,
) -> Response:
    """Run `save` in a nested transaction and redirect (303) to the address it returns, or answer the page it returns.

    When it raises an `MlscreenError`, nothing it did is kept and `rerender(state, error)` answers instead: the
    same page, with the form's values as submitted and, for an `InvalidFieldsError`, the refused fields marked.
    `done` is the message the next page shows once (a flash) after a redirect (or makes it, after `save`).
    """
    try:
        with ctx.db.begin_nested():
            saved = save()
    except MlscreenError as exc:
        invalid = exc.fields if isinstance(exc, InvalidFieldsError) else {}
        return rerender(FormState(values, invalid), exc)
    if not isinstance(saved, str):
        return saved
    response = RedirectResponse(saved, status_code=303)
    text = done() if callable(done) else done
    return flash(ctx.request, response, text) if text else response


def first(values: Mapping[str, list[str]], name: str) -> str:
    """Return the first value submitted for `name`, or ""."""
    return (values.get(name) or [""])[0]


def chosen_id(values: Mapping[str, list[str]], name: str, what: str) -> int | None:
    """Return the id chosen in the field `name` (None when left empty); raises `InvalidFieldsError` if not an id."""
    text = first(values, name).strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InvalidFieldsError(
            f"{text[:20]!r} is not {what}", fields={name: f"choose {what}"}, hint="pick from the list"
        )
    return int(text)


def required_id(values: Mapping[str, list[str]], name: str, what: str) -> int:
    """Return the id chosen in the field `name`; raises `InvalidFieldsError` when it is empty or not an id."""
    found = chosen_id(values, name, what)
    if found is None:
        raise InvalidFieldsError(f"choose {what}", fields={name: f"choose {what}"}, hint="fill in the field")
    return found
