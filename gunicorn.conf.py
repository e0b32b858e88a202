"""gunicorn settings for both services (docker compose, the benchmark and the end-to-end tests).

Worker model: gthread. A miss blocks its thread for THINK_DELAY_SECONDS in time.sleep, which
releases the GIL, so threads let cache hits keep answering while misses are in flight; with sync
workers every miss would hold a whole process. Two processes for the machine's two cores.
"""
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# gunicorn's largest request line: ten 32-character subjects fit many times over. Longer lines get
# gunicorn's own 414 before Django runs.
limit_request_line = 8190
# Access log on stdout unless GUNICORN_ACCESS_LOG is empty (the traces carry the same facts).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# A forwarded proxy header is only trusted from the local machine (gunicorn's default).
forwarded_allow_ips = "127.0.0.1"
