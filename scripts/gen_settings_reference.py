"""Write docs/settings.md from the settings' declarations."""

from pathlib import Path

from mlscreen.settings import settings_reference

target = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
target.write_text(settings_reference(), encoding="utf-8")
print(f"wrote {target}")
