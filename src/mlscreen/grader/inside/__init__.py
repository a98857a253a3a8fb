"""Code that runs inside the sandbox; self-contained, it imports nothing from mlscreen."""
