from django.urls import path

from smarketing.analytics.funnel import views

app_name = "funnel"
urlpatterns = [
    path("", views.funnel_page, name="page"),
    path("<slug:key>.csv", views.funnel_csv, name="csv"),
    path("chart/<slug:key>.<slug:fmt>", views.funnel_chart, name="chart"),
]
