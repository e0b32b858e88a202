from django.urls import path

from api_app.views import IndexView, ThinkView, TraceDetailView, TraceListView

urlpatterns = [
    path("think/", ThinkView.as_view(), name="think"),
    path("", IndexView.as_view(), name="index"),
    path("traces/", TraceListView.as_view(), name="trace-list"),
    path("traces/<int:trace_id>/", TraceDetailView.as_view(), name="trace-detail"),
]
