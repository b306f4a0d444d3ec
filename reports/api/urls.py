from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ReportViewSet, ScreeningView

router = SimpleRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("screening/", ScreeningView.as_view(), name="api-screening"),
    *router.urls,
]
