"""URLconf of the private thinker (thinkproject.settings.thinker)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from thinkproject.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("thinker_app.urls")),
]

handler400 = "thinkproject.errors.bad_request"
handler403 = "thinkproject.errors.permission_denied"
handler404 = "thinkproject.errors.not_found"
handler500 = "thinkproject.errors.server_error"
