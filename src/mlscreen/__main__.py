"""`python -m mlscreen`: the same command as the `mlscreen` script."""

from mlscreen.cli import main

main()
