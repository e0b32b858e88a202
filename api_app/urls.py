from django.urls import path

from api_app.views import IndexView, ThinkView, TraceDetailView, TraceListView
from core.tracing import view_without_span

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("think/", view_without_span(ThinkView), name="think"),
    path("traces/", TraceListView.as_view(), name="trace-list"),
    path("traces/<int:trace_id>/", TraceDetailView.as_view(), name="trace-detail"),
]
