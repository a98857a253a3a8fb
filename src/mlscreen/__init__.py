"""mlscreen: structured, evidence-based screening of machine-learning candidates."""

from mlscreen.bank import Bank, load_bank
from mlscreen.bank.kit import build_kit, render_kit
from mlscreen.errors import MlscreenError

__version__ = "0.1.0"

__all__ = [
    "Bank",
    "MlscreenError",
    "__version__",
    "build_kit",
    "load_bank",
    "render_kit",
]
