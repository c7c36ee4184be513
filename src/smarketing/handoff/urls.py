from django.urls import path

from smarketing.handoff import views

app_name = "handoff"
urlpatterns = [
    path("", views.my_leads, name="mine"),
    path("review/", views.review_page, name="review"),
    path("<int:pk>/", views.card_detail, name="card"),
    path("<int:pk>/<slug:action>/", views.card_action, name="action"),
]
