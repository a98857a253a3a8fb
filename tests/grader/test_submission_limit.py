"""Code read from a file meets the same checks as code from the portal: one size limit, no NUL bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscreen.errors import TooLargeError, UsageError
from mlscreen.grader.submission import MAX_SOURCE_BYTES, read_submission
from mlscreen.store.assessments import check_source


def test_a_file_just_over_the_portal_limit_is_refused_like_the_portal(tmp_path: Path) -> None:
    code = "x = 1\n" * (MAX_SOURCE_BYTES // 6 + 1)
    path = tmp_path / "solution.py"
    path.write_text(code, encoding="utf-8")
    with pytest.raises(TooLargeError, match="larger than"):
        check_source(code)
    with pytest.raises(TooLargeError, match="larger than"):
        read_submission(path)
    path.write_text(code[: MAX_SOURCE_BYTES - 6], encoding="utf-8")
    assert read_submission(path) == check_source(code[: MAX_SOURCE_BYTES - 6])


def test_a_file_with_nul_bytes_is_refused_like_the_portal(tmp_path: Path) -> None:
    path = tmp_path / "solution.py"
    path.write_bytes(b"x = 1\x00\n")
    with pytest.raises(UsageError, match="NUL"):
        check_source("x = 1\x00\n")
    with pytest.raises(UsageError, match="NUL"):
        read_submission(path)
