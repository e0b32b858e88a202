from django.urls import path

from thinker_app.views import ThinkView
from thinkproject.tracing import one_view_span

urlpatterns = [
    path("", one_view_span(ThinkView), name="think"),
]
