from django.conf import settings
from django.core.checks import Error, Info, Tags, register


@register(Tags.security, deploy=True)
def stripe_configuration(app_configs, **kwargs):
    messages = []
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        messages.append(
            Error(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: no payment "
                "would ever be confirmed.",
                hint="Add the endpoint /payments/stripe/webhook/ in Stripe's dashboard and "
                "set STRIPE_WEBHOOK_SECRET to its signing secret (whsec_...).",
                id="payments.E001",
            )
        )
    if not settings.DEBUG and not settings.STRIPE_SECRET_KEY:
        messages.append(
            Info(
                "No STRIPE_SECRET_KEY: payment buttons are shown disabled.",
                id="payments.I001",
            )
        )
    if not settings.DEBUG and settings.STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_")):
        messages.append(Info("Stripe runs in test mode (a test secret key).", id="payments.I002"))
    return messages
