from django import template
from django.conf import settings
from django.utils import translation

from education import services

register = template.Library()
LANGUAGE_NAMES = dict(settings.LANGUAGES)


@register.simple_tag
def resource_languages(resource):
    """[(code, name)] of the languages a material can be used in."""
    return [(code, LANGUAGE_NAMES[code]) for code in services.resource_languages(resource)]


@register.simple_tag
def files_by_language(resource):
    """The material's files grouped by language, the visitor's language first."""
    current = translation.get_language()
    order = [current, *(code for code in LANGUAGE_NAMES if code != current)]
    files = list(resource.files.all())
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "files": [item for item in files if item.language == code],
        }
        for code in order
        if any(item.language == code for item in files)
    ]
