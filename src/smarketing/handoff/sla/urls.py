from django.urls import path

from smarketing.handoff.sla import views, views_hours, views_reports

app_name = "sla"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("new/", views.draft_new, name="draft-new"),
    path("<int:number>/", views.version_detail, name="version"),
    path("<int:number>/propose/", views.version_propose, name="version-propose"),
    path("<int:number>/approve/", views.version_approve, name="version-approve"),
    path("compliance/", views_reports.compliance, name="compliance"),
    path("hours/", views_hours.hours, name="hours"),
    path("hours/teams/<int:pk>/holidays/", views_hours.team_holidays, name="team-holidays"),
    path("hours/teams/<int:pk>/days-off/", views_hours.team_day_off_add, name="day-off-add"),
    path(
        "hours/teams/<int:pk>/days-off/<str:date>/remove/",
        views_hours.team_day_off_remove,
        name="day-off-remove",
    ),
    path("hours/people/<int:pk>/", views_hours.person_hours, name="person-hours"),
]
