from django.urls import path

from smarketing.analytics.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.performance_page, name="page"),
    path("performance.csv", views.performance_csv, name="csv"),
    path("chart/<slug:key>.<slug:fmt>", views.performance_chart, name="chart"),
]
