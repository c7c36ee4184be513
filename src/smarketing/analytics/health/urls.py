from django.urls import path

from smarketing.analytics.health import views

app_name = "health"
urlpatterns = [
    path("", views.health_page, name="page"),
    path("chart/<slug:key>.<slug:fmt>", views.health_chart, name="chart"),
]
