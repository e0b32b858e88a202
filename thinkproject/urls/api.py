"""URLconf of the public Think API (thinkproject.settings.api)."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api_app.views import readyz
from thinkproject.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("admin/", admin.site.urls),
    path("", include("api_app.urls")),
]

handler400 = "thinkproject.errors.bad_request"
handler403 = "thinkproject.errors.permission_denied"
handler404 = "thinkproject.errors.not_found"
handler500 = "thinkproject.errors.server_error"
