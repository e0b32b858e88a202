"""The real stack as local processes, shared by tests/e2e, perf/bench.py and scripts/screenshots.py."""
