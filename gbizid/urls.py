from django.urls import path

from . import views

app_name = "gbizid"
urlpatterns = [
    path("", views.account, name="account"),
    path("signin/", views.signin, name="signin"),
    # The redirect URI to register with gBizID: https://<the portal's host>/account/gbizid/callback/
    path("callback/", views.callback, name="callback"),
    path("link/", views.link, name="link"),
    path("unlink/", views.unlink, name="unlink"),
]
