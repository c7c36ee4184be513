from django.urls import path

from smarketing.analytics.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.insights_page, name="page"),
    path("refresh/", views.insights_refresh, name="refresh"),
    path("<slug:insight_id>/draft/", views.insight_draft, name="draft"),
]
