"""Screening the free text staff write for the public (a sighting's title, story, image text).

A story is the easiest way for a place to leak: a vetter pastes the camera's label or the
coordinates from the raw record. Text that looks like a position (decimal degrees, degrees and
minutes), like a deployment or camera identifier, or that names any private value of the
camera-trap data (deployment, location and camera identifiers, location names) is refused with
the reason. Refusing is deliberate: rewriting the text silently would publish what staff did
not write.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Two decimal numbers side by side: "43.1836, 131.1573", "43,18 131,15", "43.18°N 131.15°E".
COORDINATE_PAIR = re.compile(
    r"\d{1,3}[.,]\d{2,}\s*°?\s*[NSEWСЮВЗ]?\s*[,;/\s]\s*-?\d{1,3}[.,]\d{2,}", re.IGNORECASE
)
# A single degree value to a kilometre or better: "43.1836".
PRECISE_DEGREES = re.compile(r"(?<![\d.,])\d{1,3}\.\d{3,}(?![\d])")
# Degrees and minutes: 43°11′, 43° 11', 131 deg 9 min.
DEGREES_MINUTES = re.compile(r"\d{1,3}\s*(?:°|º|deg)\s*\d{1,2}\s*(?:['′’]|min)", re.IGNORECASE)
# The shapes camera-trap identifiers take: "dpl-5e2f", "TRAP-SN-3359", "loc-oak-22", "cam_17".
IDENTIFIER = re.compile(
    r"\b(?:dpl|dep|deployment|loc|location|cam|camera|trap|ct)[-_][\w-]*\d", re.IGNORECASE
)
MIN_PRIVATE_LENGTH = 4


def private_values():
    """The private strings of every deployment (identifiers and place names), lower-cased."""
    from wildlife.models.camtrap import Deployment

    values = set()
    for row in Deployment.objects.values_list(
        "deployment_id", "location_id", "location_name", "camera_id"
    ):
        values.update(v.strip().lower() for v in row if v and len(v.strip()) >= MIN_PRIVATE_LENGTH)
    return values


def text_problems(text, private=None):
    """Why `text` may not be published: a list of translated reasons, empty when it may."""
    if not text:
        return []
    problems = []
    if COORDINATE_PAIR.search(text) or PRECISE_DEGREES.search(text) or DEGREES_MINUTES.search(text):
        problems.append(
            _(
                "It looks like coordinates: the public sees only the park sector or a 0.1° cell. "
                "Remove the numbers."
            )
        )
    if IDENTIFIER.search(text):
        problems.append(
            _("It looks like a camera or deployment identifier (“%(text)s”): these are private.")
            % {"text": IDENTIFIER.search(text).group(0)}
        )
    lowered = text.lower()
    if private is None:
        private = private_values()
    named = sorted(value for value in private if value in lowered)
    if named:
        problems.append(
            _("It names a place or camera from the private camera-trap data (“%(text)s”).")
            % {"text": named[0]}
        )
    return problems


def check_public_texts(instance, field_names):
    """Raises ValidationError keyed by field for every public text that may not be published."""
    private = None
    errors = {}
    for name in field_names:
        value = getattr(instance, name, "") or ""
        if not value:
            continue
        if private is None:
            private = private_values()
        problems = text_problems(value, private)
        if problems:
            errors[name] = problems
    if errors:
        raise ValidationError(errors)
