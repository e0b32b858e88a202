from django.urls import path

from thinker_app.views import ThinkView

urlpatterns = [
    path("", ThinkView.as_view(), name="think"),
]
