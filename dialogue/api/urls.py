from django.urls import path

from . import views

urlpatterns = [
    path(
        "reports/<int:pk>/messages/",
        views.ReportMessagesView.as_view(),
        name="dialogue-api-messages",
    ),
    path(
        "reports/<int:pk>/attachments/",
        views.ReportAttachmentsView.as_view(),
        name="dialogue-api-attachments",
    ),
    path(
        "reports/<int:pk>/start-dialogue/",
        views.StartDialogueView.as_view(),
        name="dialogue-api-start-dialogue",
    ),
    path("reports/<int:pk>/conclude/", views.ConcludeView.as_view(), name="dialogue-api-conclude"),
    path(
        "reports/<int:pk>/not-subject/",
        views.NotSubjectView.as_view(),
        name="dialogue-api-not-subject",
    ),
    path(
        "attachments/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="dialogue-api-attachment",
    ),
]
