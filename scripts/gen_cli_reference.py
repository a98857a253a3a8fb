"""Write docs/cli.md from the command tree."""

from pathlib import Path

from mlscreen.clidoc import cli_reference

target = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
target.write_text(cli_reference(), encoding="utf-8")
print(f"wrote {target}")
