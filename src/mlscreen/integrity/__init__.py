"""Assessment integrity: session recordings, their replay and advisory signals (a pure core: plain data in and out)."""
