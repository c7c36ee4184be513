from django.urls import path

from smarketing.handoff.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.rules_page, name="rules"),
    path("rules/", views.rule_create, name="rule-create"),
    path("rules/<int:pk>/", views.rule_change, name="rule-change"),
    path("regions/", views.region_create, name="region-create"),
    path("regions/<int:pk>/delete/", views.region_delete, name="region-delete"),
    path("settings/", views.settings_update, name="settings"),
    path("reps/<int:user_pk>/capacity/", views.capacity_update, name="capacity"),
    path("away/", views.away_create, name="away-create"),
    path("away/<int:pk>/delete/", views.away_delete, name="away-delete"),
    path("contacts/<int:contact_pk>/reassign/", views.contact_reassign, name="reassign"),
]
