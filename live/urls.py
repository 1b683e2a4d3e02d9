"""Pages of the live app, served under the language prefix (/ru/live/…)."""

from django.urls import path

from live import feeds, views

app_name = "live"

urlpatterns = [
    path("live/follow/", views.follow, name="follow"),
    path("live/follow/sent/", views.follow_sent, name="follow_sent"),
    path("live/follow/confirm/<str:token>/", views.follow_confirm, name="follow_confirm"),
    path("live/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("live/sightings.rss", feeds.SightingsFeed(), name="sightings_rss"),
    path("live/sightings.atom", feeds.SightingsAtomFeed(), name="sightings_atom"),
    path(
        "live/leopards/<int:leopard_id>/sightings.rss",
        feeds.LeopardSightingsFeed(),
        name="leopard_sightings_rss",
    ),
    path(
        "live/leopards/<int:leopard_id>/sightings.atom",
        feeds.LeopardSightingsAtomFeed(),
        name="leopard_sightings_atom",
    ),
]
