from django.urls import path

from smarketing.scoring import views

app_name = "scoring"
urlpatterns = [
    path("definition/", views.definition_overview, name="definition"),
    path("definition/new/", views.draft_new, name="draft-new"),
    path("definition/<int:number>/", views.version_detail, name="version"),
    path("definition/<int:number>/propose/", views.version_propose, name="version-propose"),
    path("definition/<int:number>/approve/", views.version_approve, name="version-approve"),
]
