"""URLconf of the private thinker (thinkproject.settings.thinker)."""
from django.urls import include, path

from thinkproject.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("thinker_app.urls")),
]

handler404 = "thinkproject.errors.not_found"
handler500 = "thinkproject.errors.server_error"
