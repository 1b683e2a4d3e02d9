"""Pages of the donations app, under the language prefix (/ru/donations/…)."""

from django.urls import path

from donations import feeds, views

app_name = "donations"

urlpatterns = [
    path("donations/campaigns/<int:campaign_id>/give/", views.give, name="give"),
    path("donations/campaigns/<int:campaign_id>/subscribe/", views.subscribe, name="subscribe"),
    path(
        "donations/campaigns/<int:campaign_id>/reports.rss",
        feeds.CampaignReportsFeed(),
        name="reports_rss",
    ),
    path("donations/thanks/<uuid:reference>/", views.thanks, name="thanks"),
    path("donations/monthly/cancel/<str:token>/", views.cancel_monthly, name="cancel_monthly"),
    path("donations/updates/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("donations/updates/confirm/<str:token>/", views.confirm_updates, name="confirm_updates"),
    path("donations/updates/stop/<str:token>/", views.stop_updates, name="stop_updates"),
    path("donations/certificate/<str:token>.png", views.certificate, name="certificate"),
    path("donations/supporter/", views.supporter_home, name="supporter_home"),
    path("donations/supporter/sign-in/", views.supporter_sign_in, name="supporter_sign_in"),
    path("donations/supporter/link/<str:token>/", views.supporter_link, name="supporter_link"),
    path("donations/supporter/sign-out/", views.supporter_sign_out, name="supporter_sign_out"),
    path("donations/supporter/receipts/<int:entry_id>/", views.receipt, name="receipt"),
]
