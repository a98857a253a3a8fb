"""mlscreen: structured, evidence-based screening of machine-learning candidates."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mlscreen.bank import Bank, load_bank
from mlscreen.bank.kit import build_kit, render_kit
from mlscreen.errors import MlscreenError

if TYPE_CHECKING:
    from mlscreen.grader import GraderPool, grade
    from mlscreen.planning import plan_team
    from mlscreen.scoring import score_answer

__version__ = "0.1.0"

# Heavier parts load on first use, so that `import mlscreen` stays light (no torch, sklearn or pandas).
_LAZY = {
    "grade": "mlscreen.grader",
    "GraderPool": "mlscreen.grader",
    "score_answer": "mlscreen.scoring",
    "plan_team": "mlscreen.planning",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mlscreen' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "Bank",
    "GraderPool",
    "MlscreenError",
    "__version__",
    "build_kit",
    "grade",
    "load_bank",
    "plan_team",
    "render_kit",
    "score_answer",
]
