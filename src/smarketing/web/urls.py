from django.contrib.auth import views as auth_views
from django.urls import path

from smarketing.web import account_views, contact_views, pipeline_views, settings_views, views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("contacts/", contact_views.contact_list, name="contacts"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact"),
    path("contacts/<int:pk>/stage/", contact_views.contact_stage, name="contact-stage"),
    path("contacts/<int:pk>/activities/", contact_views.contact_activity, name="contact-activity"),
    path("accounts/", account_views.account_list, name="accounts"),
    path("accounts/<int:pk>/", account_views.account_detail, name="account"),
    path("deals/", pipeline_views.deal_list, name="deals"),
    path("campaigns/", pipeline_views.campaign_list, name="campaigns"),
    path("teams/", settings_views.team_list, name="teams"),
    path("teams/<int:pk>/edit/", settings_views.team_edit, name="team-edit"),
    path("settings/tokens/", settings_views.token_list, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", settings_views.token_revoke, name="token-revoke"),
]
