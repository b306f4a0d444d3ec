from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file, so the page needs no inline script (CSP);
    # Swagger UI sets inline styles and data: icons, allowed on this page only.
    path(
        "docs/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("", include("catalog.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("dialogue.api.urls")),
    path("", include("informs.api.urls")),
    path("", include("consultations.api.urls")),
    path("", include("compliance.api.urls")),
    path("", include("endusers.api.urls")),
    path("", include("insight.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/", include("signin.urls")),
    path("account/tokens/", include("apitokens.urls")),
    path("account/gbizid/", include("gbizid.urls")),
    path("organisations/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("catalog/", include("catalog.urls")),
    path("reports/", include("reports.urls")),
    path("dialogue/", include("dialogue.urls")),
    path("informs/", include("informs.urls")),
    path("consultations/", include("consultations.urls")),
    path("compliance/", include("compliance.urls")),
    path("end-user-list/", include("endusers.urls")),
    path("statistics/", include("insight.urls")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

# Styled pages in the reader's language; JSON under /api/ (portal.error_views).
handler403 = "portal.error_views.permission_denied"
handler404 = "portal.error_views.page_not_found"
handler500 = "portal.error_views.server_error"
