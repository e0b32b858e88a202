"""URLconf of the public Think API (thinkproject.settings.api)."""
from django.contrib import admin
from django.urls import include, path

from api_app.views import readyz
from thinkproject.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("api_app.urls")),
]

handler404 = "thinkproject.errors.not_found"
handler500 = "thinkproject.errors.server_error"
