"""Generalising a camera's place for the public.

GBIF's practice for sensitive species: snap to a coarse grid (0.1° for high sensitivity), never
add a random offset, and generalise what is published, not the stored record. The cell is
computed in decimal arithmetic so that a point on a cell's edge falls in exactly one cell.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

MINIMUM_CELL = Decimal("0.1")

# The two parks' bounding boxes (south, north, west, east), with a margin of a few kilometres:
# Land of the Leopard (Primorsky Krai) and the Northeast China Tiger and Leopard National Park
# (Jilin and Heilongjiang). A camera outside both is a mistake in the data, never published.
PARK_BOUNDS = {
    "land-of-the-leopard": (
        Decimal("42.55"),
        Decimal("43.85"),
        Decimal("130.55"),
        Decimal("131.95"),
    ),
    "ntlnp": (Decimal("42.30"), Decimal("44.40"), Decimal("129.60"), Decimal("131.35")),
}


def inside_the_parks(latitude, longitude):
    latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
    return any(
        south <= latitude <= north and west <= longitude <= east
        for south, north, west, east in PARK_BOUNDS.values()
    )


@dataclass(frozen=True)
class GridCell:
    south: Decimal
    west: Decimal
    size: Decimal

    @classmethod
    def around(cls, latitude, longitude, size=MINIMUM_CELL):
        """The cell of a `size`-degree grid that contains the point."""
        size = Decimal(str(size))
        if size < MINIMUM_CELL:
            raise ValueError(f"a grid cell narrower than {MINIMUM_CELL}° would reveal too much")

        def snap(value):
            steps = (Decimal(str(value)) / size).to_integral_value(rounding=ROUND_FLOOR)
            return (steps * size).quantize(Decimal("0.01"))

        return cls(snap(latitude), snap(longitude), size.quantize(Decimal("0.01")))

    @property
    def north(self):
        return self.south + self.size

    @property
    def east(self):
        return self.west + self.size

    def contains(self, latitude, longitude):
        latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
        return self.south <= latitude < self.north and self.west <= longitude < self.east

    @property
    def code(self):
        """A slug for filters and feeds, e.g. "cell-43.1n-131.3e"."""
        return f"cell-{_degrees(self.south)}{'n' if self.south >= 0 else 's'}-" + (
            f"{_degrees(self.west)}{'e' if self.west >= 0 else 'w'}"
        )

    def label(self):
        return _("%(size)s° cell at %(lat)s°%(ns)s %(lon)s°%(ew)s") % {
            "size": _degrees(self.size),
            "lat": _degrees(abs(self.south)),
            "ns": _("N") if self.south >= 0 else _("S"),
            "lon": _degrees(abs(self.west)),
            "ew": _("E") if self.west >= 0 else _("W"),
        }


def _degrees(value):
    """One decimal unless the cell needs more: 43.1, not 43.10 (which reads like a position)."""
    text = f"{Decimal(value).normalize():f}"
    return text if "." in text else f"{text}.0"
