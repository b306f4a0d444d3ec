from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.public, name="public"),
    path("manage/", views.admin_list, name="admin_list"),
    path("manage/add/", views.technology_add, name="technology_add"),
    path("manage/<int:pk>/edit/", views.technology_edit, name="technology_edit"),
    path("manage/<int:pk>/retire/", views.technology_retire, name="technology_retire"),
    path(
        "manage/<int:pk>/new-version/", views.technology_new_version, name="technology_new_version"
    ),
    path("manage/<int:pk>/history/", views.technology_history, name="technology_history"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:code>/exempt/", views.country_set_exempt, name="country_set_exempt"),
]
