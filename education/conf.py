"""Settings of the education app, with defaults; portal/settings.py may override each one."""

import datetime

from django.conf import settings


def staff_email():
    """Where new class visit requests are announced to the education desk."""
    return getattr(settings, "EDUCATION_STAFF_EMAIL", "education@leopard.example")


def max_document_size():
    """The largest teaching file accepted, in bytes (20 MiB: a slide deck with photographs)."""
    return getattr(settings, "EDUCATION_MAX_DOCUMENT_SIZE", 20 * 1024 * 1024)


def max_class_size():
    """The largest group one class visit request may bring (the trail's guides' limit)."""
    return getattr(settings, "EDUCATION_MAX_CLASS_SIZE", 40)


def keep_personal_data():
    """How long after the visit's date a class-visit request keeps the teacher's name and
    contacts (the consent says "afterwards"; a year, as the tourism desk keeps its booking)."""
    return datetime.timedelta(days=getattr(settings, "EDUCATION_KEEP_PERSONAL_DATA_DAYS", 365))
