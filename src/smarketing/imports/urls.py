from django.urls import path

from smarketing.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/options/", views.job_options, name="options"),
    path("<int:pk>/run/", views.job_run, name="run"),
    path("<int:pk>/status/", views.job_status, name="status"),
    path("<int:pk>/rejected.csv", views.job_rejected, name="rejected"),
    path("export/<str:kind>.csv", views.export, name="export"),
]
