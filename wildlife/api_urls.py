"""Language-neutral public endpoints of the wildlife app."""

from django.urls import path

from wildlife import views

app_name = "wildlife_api"

urlpatterns = [
    path("api/wildlife/sightings.json", views.sightings_json, name="sightings"),
    path("api/wildlife/monthly-counts.json", views.monthly_counts_json, name="monthly_counts"),
]
