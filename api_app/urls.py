from django.urls import path

from api_app.views import IndexView, ThinkView

urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    path("think/", ThinkView.as_view(), name="think"),
]
