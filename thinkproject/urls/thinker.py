"""URLconf of the private thinker (thinkproject.settings.thinker)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("thinker_app.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
