"""Settings come from the environment, then the settings file, then the default; secrets never print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlscreen import settings
from mlscreen.errors import UsageError


def test_default_environment_and_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.get("MLSCREEN_WORKERS") == 2
    cfg = tmp_path / "settings.json"
    cfg.write_text(json.dumps({"MLSCREEN_WORKERS": 5}), encoding="utf-8")
    monkeypatch.setenv("MLSCREEN_SETTINGS_FILE", str(cfg))
    assert settings.get("MLSCREEN_WORKERS") == 5
    monkeypatch.setenv("MLSCREEN_WORKERS", "7")
    assert settings.get("MLSCREEN_WORKERS") == 7


def test_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_WORKERS", "many")
    with pytest.raises(UsageError, match="MLSCREEN_WORKERS"):
        settings.get("MLSCREEN_WORKERS")


def test_unknown_setting_in_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "settings.json"
    cfg.write_text(json.dumps({"MLSCREEN_WORKRES": 5}), encoding="utf-8")
    monkeypatch.setenv("MLSCREEN_SETTINGS_FILE", str(cfg))
    with pytest.raises(UsageError, match="MLSCREEN_WORKRES"):
        settings.get("MLSCREEN_WORKERS")


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_SECRET_KEY", "hunter2")
    secret = settings.get("MLSCREEN_SECRET_KEY")
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret) and "hunter2" not in f"{secret}"
    assert secret.reveal() == "hunter2"


def test_bool_and_path_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLSCREEN_SANDBOX", "off")
    assert settings.get("MLSCREEN_SANDBOX") is False
    monkeypatch.setenv("MLSCREEN_BANK_PATH", f"{tmp_path}/a:{tmp_path}/b")
    assert settings.get("MLSCREEN_BANK_PATH") == [tmp_path / "a", tmp_path / "b"]
