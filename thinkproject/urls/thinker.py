"""URLconf of the private thinker (thinkproject.settings.thinker)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.health import healthz
from thinker_app.views import readyz

# The service's own routes first: Django tries the patterns in order, and every hit is one of them.
urlpatterns = [
    path("", include("thinker_app.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
