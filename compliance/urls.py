from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("wording/", views.wording_list, name="wording_list"),
    path("wording/<int:pk>/", views.wording_edit, name="wording_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/open/", views.case_open, name="open"),
    path("<int:pk>/guidance/", views.issue_guidance, name="issue_guidance"),
    path("<int:pk>/propose-order/", views.propose_order, name="propose_order"),
    path("<int:pk>/approve-order/", views.approve_order, name="approve_order"),
    path("<int:pk>/return-order/", views.return_order, name="return_order"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/order.pdf", views.order_pdf, name="order_pdf"),
    path("<int:pk>/messages/", views.message_post, name="message_post"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
