"""The portal's URLs and error handlers, plus views that fail on purpose (tests only)."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path

from portal.urls import handler403, handler404, handler500  # noqa: F401 - what is under test


def boom(request):
    raise RuntimeError("Something the code did not expect.")


def refuse(request):
    raise PermissionDenied("Only the reporting organisation can do this.")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("api/v1/refuse/", refuse),
    path("", include("portal.urls")),
]
