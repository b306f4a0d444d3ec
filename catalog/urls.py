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
    path("manage/transaction-types/", views.transaction_type_list, name="transaction_type_list"),
    path(
        "manage/transaction-types/add/",
        views.transaction_type_add,
        name="transaction_type_add",
    ),
    path(
        "manage/transaction-types/<int:pk>/edit/",
        views.transaction_type_edit,
        name="transaction_type_edit",
    ),
    path(
        "manage/transaction-types/<int:pk>/history/",
        views.transaction_type_history,
        name="transaction_type_history",
    ),
    path("manage/rules/", views.exclusion_rule_list, name="exclusion_rule_list"),
    path("manage/rules/add/", views.exclusion_rule_add, name="exclusion_rule_add"),
    path("manage/rules/<int:pk>/edit/", views.exclusion_rule_edit, name="exclusion_rule_edit"),
    path(
        "manage/rules/<int:pk>/history/",
        views.exclusion_rule_history,
        name="exclusion_rule_history",
    ),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:code>/exempt/", views.country_set_exempt, name="country_set_exempt"),
]
