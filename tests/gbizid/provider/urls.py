from django.urls import include, path

from . import views

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    # Before the toolkit's own authorize view, which the discovery document names by this path.
    path("oauth/authorize/", views.SingleUseAuthorizationView.as_view()),
    path("oauth/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
