from django.urls import path

from . import views

app_name = "endusers"
urlpatterns = [
    path("", views.version_list, name="version_list"),
    path("upload/", views.upload, name="upload"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/apply/", views.version_apply, name="version_apply"),
    path("versions/<int:pk>/discard/", views.version_discard, name="version_discard"),
    path("matches/<int:pk>/adjudicate/", views.adjudicate, name="adjudicate"),
]
