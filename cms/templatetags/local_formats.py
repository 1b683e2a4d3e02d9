"""`{{ value|local_date:"weekday" }}`: dates in the visitor's language (see cms.formats)."""

from django import template

from cms.formats import local_date as format_local_date

register = template.Library()


@register.filter
def local_date(value, style="date"):
    return format_local_date(value, style)
