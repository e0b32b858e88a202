"""The real stack as local processes, shared by tests/e2e, scripts/bench.py and scripts/screenshots.py."""
