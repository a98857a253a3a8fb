"""Files that hold personal data or keys: directories made 0700 and files 0600, whatever the umask."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_directory(path: Path) -> Path:
    """Create `path` (and missing parents) if needed; a directory created here is readable by its owner only.

    An existing directory keeps its mode: it may be shared on purpose, and the files made in it are private.
    """
    missing = []
    for part in (path, *path.parents):
        if part.exists():
            break
        missing.append(part)
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            part.mkdir(mode=DIR_MODE)
            part.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty if missing, readable and writable by its owner only; tighten it if it exists."""
    private_directory(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def sqlite_files(database: Path) -> Path:
    """Prepare a SQLite database file (and its -wal and -shm companions, if present) as private files.

    SQLite creates the companions with the database file's permissions, so a 0600 database keeps them 0600.
    """
    private_file(database)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            companion.chmod(FILE_MODE)
    return database
