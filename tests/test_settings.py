"""Settings come from the environment, then the settings file, then the default; every value is type-checked."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest

from mlscreen import settings
from mlscreen.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent


def _file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, values: dict[str, object]) -> Path:
    cfg = tmp_path / "settings.json"
    cfg.write_text(json.dumps(values), encoding="utf-8")
    monkeypatch.setenv("MLSCREEN_SETTINGS_FILE", str(cfg))
    return cfg


def test_default_environment_and_file_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.WORKERS.get() == 2
    _file(tmp_path, monkeypatch, {"MLSCREEN_WORKERS": 5})
    assert settings.WORKERS.get() == 5
    monkeypatch.setenv("MLSCREEN_WORKERS", "7")
    assert settings.WORKERS.get() == 7


def test_bad_value_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_WORKERS", "many")
    with pytest.raises(UsageError, match="MLSCREEN_WORKERS"):
        settings.WORKERS.get()


def test_unknown_setting_in_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _file(tmp_path, monkeypatch, {"MLSCREEN_WORKRES": 5})
    with pytest.raises(UsageError, match="MLSCREEN_WORKRES"):
        settings.WORKERS.get()


def test_secrets_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_SECRET_KEY", "hunter2")
    secret = settings.SECRET_KEY.get()
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret) and "hunter2" not in f"{secret}"
    assert secret.reveal() == "hunter2"


def test_bool_and_path_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MLSCREEN_SANDBOX", "off")
    assert settings.SANDBOX.get() is False
    monkeypatch.setenv("MLSCREEN_BANK_PATH", f"{tmp_path}/a:{tmp_path}/b")
    assert settings.BANK_PATH.get() == [tmp_path / "a", tmp_path / "b"]


@pytest.mark.parametrize("value", [{}, [], 0, 1, None, "", "maybe", {"enabled": False}])
def test_only_an_explicit_false_in_the_file_turns_the_sandbox_off(
    value: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `{"MLSCREEN_SANDBOX": {}}` used to skip validation and switch the sandbox off.
    cfg = _file(tmp_path, monkeypatch, {"MLSCREEN_SANDBOX": value})
    with pytest.raises(UsageError, match=f"settings file {cfg}: MLSCREEN_SANDBOX has a bad value"):
        settings.SANDBOX.get()


@pytest.mark.parametrize("value", [False, "false", "off", "0"])
def test_an_explicit_false_turns_the_sandbox_off(
    value: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _file(tmp_path, monkeypatch, {"MLSCREEN_SANDBOX": value})
    assert settings.SANDBOX.get() is False


def test_an_empty_environment_variable_does_not_turn_the_sandbox_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCREEN_SANDBOX", "")
    with pytest.raises(UsageError, match="MLSCREEN_SANDBOX"):
        settings.SANDBOX.get()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MLSCREEN_WORKERS", 2.5),
        ("MLSCREEN_WORKERS", True),
        ("MLSCREEN_WORKERS", -1),
        ("MLSCREEN_WORKERS", [2]),
        ("MLSCREEN_MAX_UPLOAD_KB", 0),
        ("MLSCREEN_INVITE_DAYS", "a week"),
        ("MLSCREEN_JOB_BACKEND", "rq"),
        ("MLSCREEN_JOB_BACKEND", 1),
        ("MLSCREEN_REDIS_URL", {"host": "x"}),
        ("MLSCREEN_DATA_DIR", 3),
        ("MLSCREEN_DATA_DIR", ""),
        ("MLSCREEN_BANK_PATH", {"a": 1}),
        ("MLSCREEN_SECRET_KEY", 12345),
        ("MLSCREEN_DATABASE_URL", ["sqlite://"]),
        ("MLSCREEN_BASE_URL", "screening.example.org"),
        ("MLSCREEN_BASE_URL", "https://screening.example.org/?next=1"),
        ("MLSCREEN_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"),
        ("MLSCREEN_TRUSTED_PROXIES", 10),
    ],
)
def test_every_value_from_the_file_is_checked_against_its_kind(
    name: str, value: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(name, raising=False)
    _file(tmp_path, monkeypatch, {name: value})
    with pytest.raises(UsageError, match=name):
        settings.check_all()


def test_values_of_the_right_kind_from_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLSCREEN_BASE_URL")
    _file(
        tmp_path,
        monkeypatch,
        {
            "MLSCREEN_WORKERS": "3",
            "MLSCREEN_SECURE_COOKIES": True,
            "MLSCREEN_BANK_PATH": [str(tmp_path / "a")],
            "MLSCREEN_DATA_DIR": str(tmp_path / "data"),
            "MLSCREEN_BASE_URL": "https://screening.example.org/",
            "MLSCREEN_TRUSTED_PROXIES": ["10.0.0.1", "192.168.0.0/16"],
        },
    )
    assert settings.WORKERS.get() == 3
    assert settings.SECURE_COOKIES.get() is True
    assert settings.BANK_PATH.get() == [tmp_path / "a"]
    assert settings.DATA_DIR.get() == tmp_path / "data"
    assert settings.BASE_URL.get() == "https://screening.example.org"
    assert settings.TRUSTED_PROXIES.get() == [
        ipaddress.ip_network("10.0.0.1/32"),
        ipaddress.ip_network("192.168.0.0/16"),
    ]


def test_every_setting_is_declared_once_and_documented() -> None:
    names = [s.name for s in settings.SETTINGS]
    assert len(names) == len(set(names))
    assert all(n.startswith("MLSCREEN_") for n in names)
    assert {"MLSCREEN_SANDBOX", "MLSCREEN_BASE_URL", "MLSCREEN_TRUSTED_PROXIES"} <= set(names)
    reference = settings.settings_reference()
    assert all(f"`{n}`" in reference for n in names)


def test_settings_reference_is_current() -> None:
    current = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert current == settings.settings_reference(), (
        "docs/settings.md is stale: run `python scripts/gen_settings_reference.py`"
    )
