"""Public pages, under the language prefix: the embedded mode's test checkout."""

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path(
        "payments/test-checkout/<str:session_id>/",
        views.test_checkout,
        name="test_checkout",
    ),
    path(
        "payments/test-checkout/<str:session_id>/complete/",
        views.test_checkout_complete,
        name="test_checkout_complete",
    ),
    path(
        "payments/test-checkout/<str:session_id>/cancel/",
        views.test_checkout_cancel,
        name="test_checkout_cancel",
    ),
]
