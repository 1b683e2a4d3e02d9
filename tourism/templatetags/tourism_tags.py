"""Template helpers of the tourism pages and e-mails."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.formats import local_date

register = template.Library()


@register.filter
def tour_datetime(value):
    """A date and time as every tourism page and e-mail shows it: the visitor's locale's own
    format, in the park's time zone, with the zone named ("5 мая 2025 г. 5:21 (UTC+10)").

    The date and time come from the site-wide helper (cms.formats); this adds the zone.
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    zone = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return _("%(datetime)s (%(zone)s)") % {
        "datetime": local_date(local, "datetime"),
        "zone": zone,
    }
