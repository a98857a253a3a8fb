"""The public API in `mlscreen.__all__` resolves, and importing mlscreen stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import mlscreen


@pytest.mark.parametrize("name", mlscreen.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(mlscreen, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = mlscreen.no_such_thing


def test_import_is_light() -> None:
    code = "import sys, mlscreen; print([m for m in ('torch', 'sklearn', 'pandas', 'sqlalchemy') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
