from django.urls import path

from core.tracing import view_without_span
from thinker_app.views import ThinkView

urlpatterns = [
    path("", view_without_span(ThinkView), name="think"),
]
