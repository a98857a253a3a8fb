"""Backups: a consistent copy of the whole database to one file, and its restore into an empty or older database.

SQLite is copied with its online backup API (readers and writers keep working; the copy is one snapshot).
PostgreSQL is copied with `pg_dump --format=custom` and restored with `pg_restore`, which must be on PATH.
A restore refuses a file whose schema is newer than the migrations this version knows.
Candidates' CVs live as files beside the database: a backup writes them to `FILE.files.tar` next to it, and a
restore puts them back when that file is there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from mlscreen.errors import UsageError
from mlscreen.private import private_file
from mlscreen.store.db import Database
from mlscreen.store.migrate import alembic_config, current_revision
from mlscreen.store.profiles import cv_directory

PG_TIMEOUT = 3600.0
"""The longest a `pg_dump` or `pg_restore` may run."""


def backup(db: Database, target: Path) -> Path:
    """Write a consistent copy of `db` to `target` (readable by its owner only), and the candidates' CV files, if
    any, to `files_of(target)`; return the path.

    Raises `UsageError` when either file exists already, or when the copy cannot be made.
    """
    target = target.expanduser()
    for path in (target, files_of(target)):
        if path.exists():
            raise UsageError(f"{path} exists already", hint="name a new file; a backup never overwrites one")
    private_file(target)
    try:
        if db.dialect == "sqlite":
            _sqlite_backup(db, target)
        elif db.dialect == "postgresql":
            _pg_run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(db)], db=db)
        else:
            raise UsageError(f"backups of {db.dialect} databases are not supported", hint="use SQLite or PostgreSQL")
        _files_backup(files_of(target))
    except BaseException:
        target.unlink(missing_ok=True)
        files_of(target).unlink(missing_ok=True)
        raise
    return target


def files_of(backup_file: Path) -> Path:
    """Return where the backup `backup_file` keeps the files that live beside the database (candidates' CVs)."""
    return backup_file.with_name(backup_file.name + ".files.tar")


def _files_backup(target: Path) -> None:
    directory = cv_directory()
    files = sorted(p for p in directory.iterdir() if p.is_file()) if directory.is_dir() else []
    if not files:
        return
    private_file(target)
    with tarfile.open(target, "w") as archive:
        for path in files:
            archive.add(path, arcname=f"cvs/{path.name}", recursive=False)


def _files_restore(source: Path) -> int:
    """Put the CVs of the backup's files archive back (a file of the same name is replaced); return how many."""
    directory = cv_directory()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    count = 0
    with tarfile.open(source, "r") as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("cvs/")
            # Only plain files directly under cvs/, as backups write them: nothing is written anywhere else.
            if not member.isfile() or "/" in name or name in ("", ".", "..") or not member.name.startswith("cvs/"):
                raise UsageError(f"{source} holds {member.name!r}, which no backup writes", hint="use the file as made")
            data = archive.extractfile(member)
            if data is None:
                continue
            target = directory / name
            private_file(target)
            target.write_bytes(data.read())
            count += 1
    return count


def restore(db: Database, source: Path) -> str | None:
    """Replace the contents of `db` with the backup in `source` and return the restored schema revision.

    Raises `UsageError` when the file is missing or not a backup of this database kind, or when its schema is
    newer than this version of mlscreen knows (upgrade mlscreen first, then restore, then `db upgrade`).
    """
    source = source.expanduser()
    if not source.is_file():
        raise UsageError(f"{source} is not a file", hint="give the path of a file made by `mlscreen db backup`")
    if db.dialect == "sqlite":
        revision = _sqlite_revision(source)
        _require_known(revision, source)
        _sqlite_restore(db, source)
    elif db.dialect == "postgresql":
        _require_known(_pg_revision(source), source)
        _pg_restore(db, source)
    else:
        raise UsageError(f"restoring {db.dialect} databases is not supported", hint="use SQLite or PostgreSQL")
    if files_of(source).is_file():
        _files_restore(files_of(source))
    return current_revision(db)


def _require_known(revision: str | None, source: Path) -> None:
    if revision is None:
        return  # a backup of a database that was never migrated: nothing to refuse
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if revision not in known:
        raise UsageError(
            f"{source} holds a database at schema revision {revision}, newer than this version of mlscreen knows",
            hint="install the mlscreen version that made the backup (or a newer one), then restore",
        )


def _sqlite_path(db: Database) -> str:
    return str(Path(db.url.database or "").expanduser())


def _sqlite_backup(db: Database, target: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        source: Any = raw.driver_connection
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise UsageError(f"the backup failed: {exc}", hint="check that the disk has room") from None
    finally:
        raw.close()


def _sqlite_revision(source: Path) -> str | None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(row[0]) if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise UsageError(
            f"{source} is not a SQLite backup", hint="give a file made by `mlscreen db backup` from a SQLite database"
        ) from None


def _sqlite_restore(db: Database, source: Path) -> None:
    # The running pool may hold connections to the old contents; the backup API copies page by page into the
    # live file under SQLite's own locks, so other processes see either the old or the restored database.
    db.dispose()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(_sqlite_path(db), timeout=db.wait)
        try:
            src.backup(dest)
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise UsageError(f"the restore failed: {exc}", hint="stop the server and workers, then try again") from None
    finally:
        src.close()


def _pg_args(db: Database) -> list[str]:
    # The password travels in the environment (see `_pg_env`), never on a command line other users can list.
    url: URL = db.url.set(drivername="postgresql", password=None)
    args = ["--dbname", url.render_as_string(hide_password=False)]
    if db.schema:
        args += ["--schema", db.schema]
    return args


def _pg_env(db: Database | None) -> dict[str, str]:
    env = dict(os.environ)
    if db is not None and db.url.password:
        env["PGPASSWORD"] = str(db.url.password)
    return env


def _pg_run(argv: list[str], *, db: Database | None = None) -> str:
    if shutil.which(argv[0]) is None:
        raise UsageError(
            f"{argv[0]} was not found", hint="install the PostgreSQL client tools (Debian: postgresql-client)"
        )
    try:
        done = subprocess.run(argv, env=_pg_env(db), capture_output=True, timeout=PG_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(f"{argv[0]} did not finish in {PG_TIMEOUT:.0f} s", hint="check the server") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"{argv[0]} failed: {reason[0][:300] if reason else 'exit ' + str(done.returncode)}",
            hint="check the file and that the database URL names a reachable server",
        )
    return done.stdout.decode("utf-8", "replace")


def _pg_revision(source: Path) -> str | None:
    listing = _pg_run(["pg_restore", "--list", str(source)])
    if " TABLE DATA " not in listing and " TABLE " not in listing:
        raise UsageError(f"{source} holds no tables", hint="give a file made by `mlscreen db backup`")
    if " alembic_version " not in listing:
        return None
    # The revision is data, not schema: restore just that table's rows as SQL text and read them.
    ids = [line.split(";")[0] for line in listing.splitlines() if "TABLE DATA" in line and " alembic_version " in line]
    if not ids:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listfile:
        listfile.write("\n".join(ids) + "\n")
        listfile.flush()
        sql = _pg_run(["pg_restore", "--data-only", "--use-list", listfile.name, "--file", "-", str(source)])
    lines = sql.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return None if value in ("", "\\.") else value
    return None


def _pg_restore(db: Database, source: Path) -> None:
    db.dispose()
    argv = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *_pg_args(db), str(source)]
    _pg_run(argv, db=db)
