from django.urls import path

from smarketing.analytics.health import views

app_name = "health"
urlpatterns = [path("", views.health_page, name="page")]
