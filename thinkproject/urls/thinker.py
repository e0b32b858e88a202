"""URLconf of the private thinker (thinkproject.settings.thinker)."""
from django.urls import include, path

from thinkproject.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("thinker_app.urls")),
]

handler404 = "thinkproject.errors.not_found"
handler500 = "thinkproject.errors.server_error"
