from django import template

from donations import services

register = template.Library()


@register.inclusion_tag("donations/includes/sponsor_box.html", takes_context=True)
def sponsor_box(context, leopard):
    """On a leopard's page: how many sponsor it, and an invitation to sponsor or follow it."""
    campaign = services.sponsor_campaign()
    return {
        "request": context.get("request"),
        "leopard": leopard,
        "sponsors": services.sponsor_count(leopard),
        "campaign": campaign,
    }


@register.inclusion_tag("donations/includes/progress.html")
def campaign_progress(campaign, progress):
    """The progress bar, complete without JavaScript; donations.js moves it on live updates."""
    return {"campaign": campaign, "progress": progress}


@register.simple_tag
def about_leopard(leopard, key):
    """A sentence about `leopard` worded for its sex (see donations.wording)."""
    from donations import wording

    return wording.about(leopard, key)
