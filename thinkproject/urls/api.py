"""URLconf of the public Think API (thinkproject.settings.api)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api_app.views import readyz
from core.health import healthz

# The service's own routes first: Django tries the patterns in order, and every hit is one of them.
urlpatterns = [
    path("", include("api_app.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("admin/", admin.site.urls),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
