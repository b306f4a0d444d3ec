from django.urls import path

from . import views

urlpatterns = [
    path("compliance-cases/", views.CaseListView.as_view(), name="compliance-api-cases"),
    path("compliance-cases/<int:pk>/", views.CaseDetailView.as_view(), name="compliance-api-case"),
    path("compliance-cases/<int:pk>/open/", views.OpenView.as_view(), name="compliance-api-open"),
    path(
        "compliance-cases/<int:pk>/issue-guidance/",
        views.IssueGuidanceView.as_view(),
        name="compliance-api-issue-guidance",
    ),
    path(
        "compliance-cases/<int:pk>/propose-order/",
        views.ProposeOrderView.as_view(),
        name="compliance-api-propose-order",
    ),
    path(
        "compliance-cases/<int:pk>/approve-order/",
        views.ApproveOrderView.as_view(),
        name="compliance-api-approve-order",
    ),
    path(
        "compliance-cases/<int:pk>/return-order/",
        views.ReturnOrderView.as_view(),
        name="compliance-api-return-order",
    ),
    path(
        "compliance-cases/<int:pk>/acknowledge-order/",
        views.AcknowledgeOrderView.as_view(),
        name="compliance-api-acknowledge-order",
    ),
    path(
        "compliance-cases/<int:pk>/close/", views.CloseView.as_view(), name="compliance-api-close"
    ),
    path(
        "compliance-cases/<int:pk>/discard/",
        views.DiscardView.as_view(),
        name="compliance-api-discard",
    ),
    path(
        "compliance-cases/<int:pk>/order/pdf/",
        views.OrderPdfView.as_view(),
        name="compliance-api-order-pdf",
    ),
    path(
        "compliance-cases/<int:pk>/messages/",
        views.CaseMessagesView.as_view(),
        name="compliance-api-messages",
    ),
    path(
        "compliance-cases/<int:pk>/attachments/",
        views.CaseAttachmentsView.as_view(),
        name="compliance-api-attachments",
    ),
    path(
        "compliance-cases/<int:pk>/attachments/<int:attachment_pk>/",
        views.CaseAttachmentDownloadView.as_view(),
        name="compliance-api-attachment",
    ),
    path(
        "compliance-cases/<int:pk>/history/",
        views.HistoryView.as_view(),
        name="compliance-api-history",
    ),
]
