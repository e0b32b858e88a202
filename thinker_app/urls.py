from django.urls import path

from thinker_app.views import ThinkView
from thinkproject.tracing import view_without_span

urlpatterns = [
    path("", view_without_span(ThinkView), name="think"),
]
