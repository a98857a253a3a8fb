"""The one family of errors mlscreen raises; each says what was wrong and how to fix it."""

from __future__ import annotations


class MlscreenError(Exception):
    """Base class of every error mlscreen reports to a person.

    `message` says what was wrong; `hint` says how to fix it. `exit_code` is what the CLI exits with and
    `status` the HTTP status the web layer answers with.
    """

    exit_code: int = 1
    status: int = 400

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  how to fix: {self.hint}"
        return self.message


class UsageError(MlscreenError):
    """Bad input given on the command line or through the API."""

    exit_code = 2
    status = 422


class InvalidFieldsError(UsageError):
    """Bad input in named fields of a form; `fields` maps each field's name to what is wrong with it."""

    def __init__(self, message: str, *, fields: dict[str, str], hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.fields = fields


class NotFoundError(MlscreenError):
    """Something named by id does not exist."""

    exit_code = 2
    status = 404


class ContentError(MlscreenError):
    """One problem in a content file, located by `path:line`."""

    exit_code = 2

    def __init__(self, path: str, line: int | None, field: str | None, message: str, *, hint: str | None = None):
        self.path = path
        self.line = line
        self.field = field
        where = f"{path}:{line}" if line else path
        what = f"{field}: {message}" if field else message
        super().__init__(f"{where}: {what}", hint=hint)


class BankError(MlscreenError):
    """A bank failed to load; carries every `ContentError` found, so all are reported at once."""

    exit_code = 2

    def __init__(self, problems: list[ContentError]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"the question bank has {len(problems)} problem(s):\n{lines}")


class SandboxUnavailableError(MlscreenError):
    """Grading was asked for but no sandbox can be started on this machine."""

    exit_code = 3
    status = 503


class AuthenticationError(MlscreenError):
    """The request needs a signed-in user (or a valid candidate link) and has none."""

    exit_code = 2
    status = 401


class ForbiddenError(MlscreenError):
    """The signed-in user may not do this."""

    exit_code = 2
    status = 403


class ConflictError(MlscreenError):
    """The request clashes with the current state (already submitted, already decided, duplicate)."""

    exit_code = 2
    status = 409


class TooLargeError(MlscreenError):
    """An upload or field is larger than allowed."""

    exit_code = 2
    status = 413


class RateLimitError(MlscreenError):
    """Too many attempts in a short time; try again later."""

    exit_code = 2
    status = 429


class BusyError(MlscreenError):
    """The server has no database connection free for this request right now; retrying shortly works."""

    exit_code = 1
    status = 503
