from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.create, name="create"),
    path("desk/", views.general_desk, name="general_desk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/messages/", views.message_post, name="message_post"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/file-report/", views.file_report, name="file_report"),
    path("<int:pk>/link-report/", views.link_report, name="link_report"),
]
