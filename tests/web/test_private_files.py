"""The data directory holds personal data and keys: it is made 0700 and its files 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlscreen.store.accounts import create_user
from mlscreen.web.app import create_app
from mlscreen.web.security import secret_key


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def test_a_fresh_data_directory_and_its_files_are_private(
    umask: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "new" / "data"
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(data))
    app = create_app(workers=0)
    secret_key()
    with app.state.db.session() as s:  # a write, so the -wal and -shm files exist
        create_user(s, email="a@example.org", name="A", role="admin", password="correct horse battery staple 7")
        files = {p.name for p in data.iterdir()}
        assert {"mlscreen.db", "mlscreen.db-wal", "mlscreen.db-shm", "secret_key"} <= files
        assert {p.name: oct(mode(p)) for p in data.iterdir()} == {name: oct(0o600) for name in files}
    app.state.db.dispose()
    assert mode(data) == 0o700 and mode(data.parent) == 0o700


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_DATA_DIR", str(tmp_path))
    first = create_app(workers=0)
    first.state.db.dispose()
    for p in tmp_path.glob("mlscreen.db*"):
        p.chmod(0o644)
    again = create_app(workers=0)
    again.state.db.dispose()
    assert {p.name: oct(mode(p)) for p in tmp_path.glob("mlscreen.db*")} == {
        p.name: oct(0o600) for p in tmp_path.glob("mlscreen.db*")
    }
