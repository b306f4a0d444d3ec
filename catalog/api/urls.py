from django.urls import path

from . import views

urlpatterns = [
    path("technologies/", views.TechnologyListView.as_view(), name="api-technologies"),
    path(
        "transaction-types/",
        views.TransactionTypeListView.as_view(),
        name="api-transaction-types",
    ),
]
