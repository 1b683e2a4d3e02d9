from django import template

from live import services

register = template.Library()


@register.simple_tag
def follow_signature(topic, title):
    return services.follow_signature(topic, title)


@register.simple_tag
def live_cursor(since=None):
    """The id a page's live client resumes after: the given one, or the latest event's."""
    if since not in (None, ""):
        return since
    return services.latest_id()


@register.simple_tag(takes_context=True)
def live_client_loaded(context):
    """True after the first live client of a request: the script is loaded once per page."""
    request = context.get("request")
    if request is None:
        return False
    loaded = getattr(request, "_live_client_loaded", False)
    request._live_client_loaded = True
    return loaded
