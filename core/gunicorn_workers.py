"""gunicorn's threaded worker, closing its listening socket as soon as it begins a graceful stop.

gunicorn's gthread worker stops accepting on SIGTERM but keeps its copy of the listening socket open until
it exits: after the requests it holds and up to 2 s more for kept-alive connections. Connections a proxy or
a Service still sends it meanwhile complete their handshake in the kernel's backlog, wait there unanswered
and are reset when the worker exits, past the API's THINKER_TIMEOUT_SECONDS (a 504). Closed at once, the
socket refuses them, which a proxy retries elsewhere and the API's client retries once
(tests/e2e/test_scale_out.py). gunicorn's gevent and eventlet workers already close early
(benoitc/gunicorn#1221); the arbiter closes its own copy before it signals the workers.
"""

from gunicorn.workers.gthread import ThreadWorker as GThreadWorker


class ThreadWorker(GThreadWorker):
    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:  # stopping, not merely full (worker_connections)
            for listener in self.sockets:
                listener.close()  # idempotent: run() closes them again on its way out
