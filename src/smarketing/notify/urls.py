from django.urls import path

from smarketing.notify import views

app_name = "notify"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.mark_read, name="read"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/retry/", views.deliveries_retry, name="retry"),
    path("settings/notifications/", views.preference_page, name="preferences"),
    path("settings/notifications/secret/", views.webhook_secret, name="webhook-secret"),
]
