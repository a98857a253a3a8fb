"""Reading a submission file from disk, shared by the `grade` commands and the batch grader."""

from __future__ import annotations

from pathlib import Path

from mlscreen.errors import TooLargeError, UsageError

MAX_SOURCE_BYTES = 200_000
"""The one size limit on candidate code, wherever it comes from (portal autosave, submit, Run examples, CLI)."""


def validate_source(source: str) -> None:
    """Raise `TooLargeError` when `source` is over `MAX_SOURCE_BYTES`, `UsageError` when it holds NUL bytes."""
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        raise TooLargeError(
            f"the code is larger than {MAX_SOURCE_BYTES // 1000} kB ({size:,} bytes)",
            hint="submit only the module that defines the exercise's functions",
        )
    if "\x00" in source:
        raise UsageError("the submission contains NUL bytes", hint="submit a UTF-8 Python source file")


def read_submission(path: Path) -> str:
    """Return the text of a submission file, checked by `validate_source` like code from the portal.

    Raises `UsageError` if it is missing, unreadable, not UTF-8 or holds NUL bytes, `TooLargeError` if too large.
    """
    try:
        if not path.is_file():
            raise UsageError(f"submission {path} not found", hint="give the path of a .py file")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise TooLargeError(
                f"submission {path} is larger than {MAX_SOURCE_BYTES // 1000} kB", hint="submit only the module"
            )
        # utf-8-sig: Windows editors and browsers save a byte-order mark that Python source must not start with.
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"submission {path} is not UTF-8 text", hint="save the file as UTF-8") from None
    except OSError as exc:
        raise UsageError(
            f"cannot read submission {path}: {exc.strerror}", hint="check the path and permissions"
        ) from None
    validate_source(source)
    return source
