"""Language-neutral endpoints: the one Stripe webhook."""

from django.urls import path

from payments import views

app_name = "payments_api"

urlpatterns = [
    path("payments/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
