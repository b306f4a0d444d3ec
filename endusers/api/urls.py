from django.urls import path

from .views import ListVersionsView, MatchAdjudicateView, ReportMatchesView, ReportPrecedentsView

urlpatterns = [
    path(
        "reports/<int:pk>/end-user-matches/",
        ReportMatchesView.as_view(),
        name="api-report-end-user-matches",
    ),
    path(
        "end-user-matches/<int:pk>/adjudicate/",
        MatchAdjudicateView.as_view(),
        name="api-end-user-match-adjudicate",
    ),
    path(
        "reports/<int:pk>/precedents/",
        ReportPrecedentsView.as_view(),
        name="api-report-precedents",
    ),
    path("end-user-list/versions/", ListVersionsView.as_view(), name="api-end-user-list-versions"),
]
