"""`{{ value|local_date:"weekday" }}`: dates in the visitor's language (see cms.formats)."""

from django import template
from django.utils import translation

from cms.formats import local_date as format_local_date

register = template.Library()


@register.filter
def local_date(value, style="date"):
    return format_local_date(value, style)


def _chinese():
    return (translation.get_language() or "").startswith("zh")


@register.simple_tag
def colon():
    """Between a label and its value: "Adult: ₽500", and in Chinese "成人：₽500" (the full-width
    colon carries its own space)."""
    return "：" if _chinese() else ": "


@register.simple_tag
def label_space():
    """After a label whose translation ends in its colon ("Next date:", "最近场次："): a space,
    except in Chinese."""
    return "" if _chinese() else " "
