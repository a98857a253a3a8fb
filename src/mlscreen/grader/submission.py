"""Reading a submission file from disk, shared by the `grade` commands and the batch grader."""

from __future__ import annotations

from pathlib import Path

from mlscreen.errors import UsageError

MAX_FILE_BYTES = 256 * 1024


def read_submission(path: Path) -> str:
    """Return the text of a submission file; raises `UsageError` if missing, unreadable, not UTF-8 or too large."""
    try:
        if not path.is_file():
            raise UsageError(f"submission {path} not found", hint="give the path of a .py file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(
                f"submission {path} is larger than {MAX_FILE_BYTES // 1024} KiB", hint="submit only the module"
            )
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"submission {path} is not UTF-8 text", hint="save the file as UTF-8") from None
    except OSError as exc:
        raise UsageError(
            f"cannot read submission {path}: {exc.strerror}", hint="check the path and permissions"
        ) from None
