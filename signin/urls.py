from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    path(
        "two-factor/backup-codes/new/",
        views.backup_codes_regenerate,
        name="backup_codes_regenerate",
    ),
    path("two-factor/verify/", views.verify, name="verify"),
    path("two-factor/users/", views.second_factor_list, name="second_factor_list"),
    path(
        "two-factor/users/<int:pk>/reset/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
    path("locked/", views.locked_list, name="locked_list"),
    path("locked/<int:pk>/unlock/", views.unlock, name="unlock"),
]
