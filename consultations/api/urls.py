from django.urls import path

from . import views

urlpatterns = [
    path("consultations/", views.ConsultationListView.as_view(), name="consultation-api-list"),
    path(
        "consultations/<int:pk>/",
        views.ConsultationDetailView.as_view(),
        name="consultation-api-detail",
    ),
    path(
        "consultations/<int:pk>/messages/",
        views.ConsultationMessagesView.as_view(),
        name="consultation-api-messages",
    ),
    path(
        "consultations/<int:pk>/attachments/",
        views.ConsultationAttachmentsView.as_view(),
        name="consultation-api-attachments",
    ),
    path(
        "consultations/<int:pk>/attachments/<int:attachment_pk>/",
        views.ConsultationAttachmentDownloadView.as_view(),
        name="consultation-api-attachment",
    ),
    path(
        "consultations/<int:pk>/transfer/",
        views.TransferView.as_view(),
        name="consultation-api-transfer",
    ),
    path("consultations/<int:pk>/close/", views.CloseView.as_view(), name="consultation-api-close"),
    path(
        "consultations/<int:pk>/link-report/",
        views.LinkReportView.as_view(),
        name="consultation-api-link-report",
    ),
    path(
        "consultations/<int:pk>/history/",
        views.ConsultationHistoryView.as_view(),
        name="consultation-api-history",
    ),
]
