"""Language-neutral endpoints of the live app."""

from django.urls import path

from live import views

app_name = "live_api"

urlpatterns = [
    path("live/events/", views.events, name="events"),
]
