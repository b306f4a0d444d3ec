from django.urls import path

from . import views

app_name = "dialogue"
urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("reports/<int:pk>/", views.thread, name="thread"),
    path("reports/<int:pk>/messages/", views.message_post, name="message_post"),
    path("reports/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("reports/<int:pk>/start/", views.start_dialogue, name="start_dialogue"),
    path("reports/<int:pk>/conclude/", views.conclude, name="conclude"),
    path("reports/<int:pk>/not-subject/", views.not_subject, name="not_subject"),
    path("reports/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
