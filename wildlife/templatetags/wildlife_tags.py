from django import template
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def include_optional(context, template_name, **extra):
    """Renders a template that another app provides, or nothing while that app lacks it.

    The live app's follow form and client are built alongside this app; a page must render
    before they exist.
    """
    try:
        included = get_template(template_name)
    except template.TemplateDoesNotExist:
        return ""
    with context.push(**extra):
        return included.render(context.flatten(), context.get("request"))
