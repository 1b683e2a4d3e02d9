import uuid

from django import template

from payments import conf
from payments.money import currency_symbol, format_amount

register = template.Library()


@register.filter
def money(amount_minor, currency):
    """{{ 150000|money:"RUB" }} -> "1 500 ₽" in Russian, "₽1,500" in English."""
    if amount_minor in (None, ""):
        return ""
    return format_amount(int(amount_minor), currency)


@register.filter
def currency_sign(currency):
    """{{ "RUB"|currency_sign }} -> "₽": the sign amounts carry in the visitor's language."""
    return currency_symbol(currency) if currency else ""


@register.simple_tag
def checkout_available():
    """{% checkout_available as can_pay %}: is any payment possible right now?"""
    return conf.checkout_available()


@register.inclusion_tag("payments/includes/pay_button.html")
def pay_button(label):
    """The submit button of a payment form: enabled, marked as a test, or disabled with why."""
    return {
        "label": label,
        "mode": conf.checkout_mode(),
        "note_id": f"payment-note-{uuid.uuid4().hex[:8]}",
    }
