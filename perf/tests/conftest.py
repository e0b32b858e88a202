# The real processes tests/e2e boots (e2e_logs, redis_url, trace_agent, stack, dev_stack).
pytest_plugins = ["harness.fixtures"]
