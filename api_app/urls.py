from django.urls import path

from api_app.views import IndexView, ThinkView, TraceDetailView, TraceListView
from thinkproject.tracing import one_view_span

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("think/", one_view_span(ThinkView), name="think"),
    path("traces/", TraceListView.as_view(), name="trace-list"),
    path("traces/<int:trace_id>/", TraceDetailView.as_view(), name="trace-detail"),
]
