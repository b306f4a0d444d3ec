from django.urls import path

from . import views

app_name = "apitokens"
urlpatterns = [
    path("", views.token_list, name="list"),
    path("create/", views.token_create, name="create"),
    path("revoke/", views.token_revoke, name="revoke"),
]
