from django.urls import path

from . import views

urlpatterns = [
    path(
        "reports/<int:report_id>/informs/",
        views.ReportInformsView.as_view(),
        name="api-report-informs",
    ),
    path("informs/<int:pk>/", views.InformDetailView.as_view(), name="api-inform"),
    path("informs/<int:pk>/approve/", views.InformApproveView.as_view(), name="api-inform-approve"),
    path("informs/<int:pk>/return/", views.InformReturnView.as_view(), name="api-inform-return"),
    path(
        "informs/<int:pk>/acknowledge/",
        views.InformAcknowledgeView.as_view(),
        name="api-inform-acknowledge",
    ),
    path("informs/<int:pk>/pdf/", views.InformPdfView.as_view(), name="api-inform-pdf"),
]
