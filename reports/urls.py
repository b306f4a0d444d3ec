from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screening/", views.screening, name="screening"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/extend-deadline/", views.extend_deadline, name="extend_deadline"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
]
