"""Reading a submission file from disk, shared by the `grade` commands and the batch grader."""

from __future__ import annotations

from pathlib import Path

from mlscreen.errors import UsageError


def read_submission(path: Path) -> str:
    """Return the text of a submission file (without a byte-order mark).

    Raises `UsageError` if it is missing, unreadable, not UTF-8, over the one limit on candidate code
    (`MAX_SOURCE_BYTES`) or holds NUL bytes.
    """
    from mlscreen.grader.pool import MAX_SOURCE_BYTES

    try:
        if not path.is_file():
            raise UsageError(f"submission {path} not found", hint="give the path of a .py file")
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise UsageError(
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
    if "\x00" in source:
        raise UsageError(f"submission {path} contains NUL bytes", hint="submit plain Python source")
    return source
