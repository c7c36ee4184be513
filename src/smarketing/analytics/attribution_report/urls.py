from django.urls import path

from smarketing.analytics.attribution_report import views

app_name = "attribution"
urlpatterns = [
    path("", views.attribution_page, name="page"),
    path("recompute/", views.attribution_recompute, name="recompute"),
    path("attribution.csv", views.attribution_csv, name="csv"),
    path("chart/<slug:key>.<slug:fmt>", views.attribution_chart, name="chart"),
]
