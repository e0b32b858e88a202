from django.urls import path

from api_app.views import IndexView, ThinkView, TraceDetailView, TraceListView
from core.tracing import view_without_span

# The API's hot path, which the admin's middleware skips (api_app/middleware.py).
THINK_PATH = "/think/"

urlpatterns = [
    path(THINK_PATH.lstrip("/"), view_without_span(ThinkView), name="think"),  # first: every hit
    path("", IndexView.as_view(), name="index"),
    path("traces/", TraceListView.as_view(), name="trace-list"),
    path("traces/<int:trace_id>/", TraceDetailView.as_view(), name="trace-detail"),
]
