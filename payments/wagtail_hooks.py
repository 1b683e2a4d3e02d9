from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from payments.admin_views import (
    PaymentIndexView,
    PaymentInspectView,
    ReadOnlyPermissionPolicy,
    RefundIndexView,
    RefundView,
    WebhookEventIndexView,
    WebhookEventInspectView,
    retry_event,
)
from payments.models import Payment, Refund, WebhookEvent


class PaymentViewSet(ModelViewSet):
    model = Payment
    name = "payments_admin"
    url_prefix = "payments"
    icon = "tag"
    menu_label = _("Payments")
    inspect_view_enabled = True
    inspect_view_class = PaymentInspectView
    index_view_class = PaymentIndexView
    copy_view_enabled = False
    list_display = ["description", "amount_display", "status", "purpose", "provider", "created_at"]
    list_filter = ["status", "purpose", "currency", "mode", "provider", "created_at"]
    search_fields = ["description", "customer_email", "checkout_session_id", "payment_intent_id"]
    search_backend_name = None  # the database, not the site search index
    inspect_view_fields = [
        "description",
        "status",
        "purpose",
        "content_type",
        "amount_minor",
        "refunded_minor",
        "mode",
        "provider",
        "customer_email",
        "language",
        "reference",
        "checkout_session_id",
        "payment_intent_id",
        "subscription_id",
        "created_at",
        "paid_at",
        "expires_at",
    ]
    form_fields = []

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("refund/<int:pk>/", RefundView.as_view(), name="refund"),
            path(
                "refund/<int:pk>/month/<int:renewal_pk>/",
                RefundView.as_view(),
                name="refund_renewal",
            ),
        ]


class RefundViewSet(ModelViewSet):
    """Every refund, so staff find the ones that failed (the money stayed with the portal)."""

    model = Refund
    name = "payment_refunds"
    url_prefix = "payment-refunds"
    icon = "rotate"
    menu_label = _("Refunds")
    index_view_class = RefundIndexView
    inspect_view_enabled = False
    copy_view_enabled = False
    list_display = ["created_at", "payment", "amount_display", "status", "reason", "by_user"]
    list_filter = ["status", "reason", "created_at"]
    search_fields = ["stripe_refund_id", "payment__description", "note"]
    search_backend_name = None
    form_fields = []

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)


class WebhookEventViewSet(ModelViewSet):
    model = WebhookEvent
    name = "payment_events"
    url_prefix = "payment-events"
    icon = "list-ul"
    menu_label = _("Stripe events")
    inspect_view_enabled = True
    inspect_view_class = WebhookEventInspectView
    index_view_class = WebhookEventIndexView
    copy_view_enabled = False
    list_display = ["event_id", "type", "status", "source", "attempts", "received_at", "payment"]
    list_filter = ["status", "type", "source", "received_at"]
    search_fields = ["event_id", "type"]
    search_backend_name = None
    inspect_view_fields = [
        "event_id",
        "type",
        "status",
        "detail",
        "source",
        "livemode",
        "attempts",
        "payment",
        "received_at",
        "processed_at",
        "payload",
    ]
    form_fields = []

    @property
    def permission_policy(self):
        return ReadOnlyPermissionPolicy(self.model)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("retry/<int:pk>/", retry_event, name="retry"),
        ]


class PaymentsGroup(ModelViewSetGroup):
    menu_label = _("Payments")
    menu_icon = "tag"
    menu_order = 400
    items = (PaymentViewSet, RefundViewSet, WebhookEventViewSet)


@hooks.register("register_admin_viewset")
def register_payments_admin():
    return PaymentsGroup()
