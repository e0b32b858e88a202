"""Liveness and readiness for both services: each service's readyz names its checks (their traces are dropped:
settings.UNTRACED_PATH_PREFIXES)."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache as default_cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

Check = Callable[[], None]


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    cache: Any = default_cache  # django-redis's RedisCache; django-stubs knows only BaseCache
    cache.client.get_client(write=False).ping()


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def readiness(checks: dict[str, Check]) -> JsonResponse:
    """200 when every dependency answers, else 503 naming the ones that did not."""
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001  (any failure means "not ready"; it is reported, not raised)
            results[name] = f"{type(error).__name__}: {error}"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": results}, status=200 if ready else 503
    )
