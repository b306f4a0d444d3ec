from django.urls import path

from . import views
from .charts import CHARTS

app_name = "insight"
urlpatterns = [
    path("", views.statistics, name="statistics"),
    *(
        path(f"charts/{name}.svg", views.chart, {"name": name}, name=f"chart_{name}")
        for name in CHARTS
    ),
    path("reports.csv", views.export_reports, {"fmt": "csv"}, name="export_reports_csv"),
    path("reports.xlsx", views.export_reports, {"fmt": "xlsx"}, name="export_reports_xlsx"),
    path("figures.csv", views.export_figures, {"fmt": "csv"}, name="export_figures_csv"),
    path("figures.xlsx", views.export_figures, {"fmt": "xlsx"}, name="export_figures_xlsx"),
]
