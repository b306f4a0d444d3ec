from django.urls import path

from . import views

app_name = "informs"
urlpatterns = [
    path("supervisor/", views.supervisor, name="supervisor"),
    path("reports/<int:report_id>/propose/", views.propose, name="propose"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_proposal, name="return"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="pdf"),
]
