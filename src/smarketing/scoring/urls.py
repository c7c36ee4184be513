from django.urls import path

from smarketing.scoring import editor_views, views, views_backtest, views_model

app_name = "scoring"
urlpatterns = [
    path("definition/", views.definition_overview, name="definition"),
    path("model/", views_model.model_page, name="model"),
    path("model/train/", views_model.model_train, name="model-train"),
    path("definition/new/", views.draft_new, name="draft-new"),
    path("definition/rescoring/", views.rescoring_progress, name="rescoring"),
    path("definition/<int:number>/", views.version_detail, name="version"),
    path("definition/<int:number>/propose/", views.version_propose, name="version-propose"),
    path("definition/<int:number>/approve/", views.version_approve, name="version-approve"),
    path(
        "definition/<int:number>/backtest/",
        views_backtest.version_backtest,
        name="version-backtest",
    ),
    path("definition/<int:number>/editor/row/", editor_views.editor_row, name="editor-row"),
    path(
        "definition/<int:number>/editor/preview/",
        editor_views.editor_preview,
        name="editor-preview",
    ),
    path(
        "definition/<int:number>/editor/contacts/",
        editor_views.editor_contacts,
        name="editor-contacts",
    ),
]
