"""Bar charts of the yearly monitoring figures, drawn on the server as SVG.

Readable without JavaScript; the page also shows the same figures as a table.
"""

from django.utils.translation import gettext_lazy as _

SERIES = [
    ("leopards", _("Leopards recorded"), "#9a6100"),
    ("leopard_cubs", _("Leopard cubs"), "#c98a1b"),
    ("tigers", _("Tigers recorded"), "#7a2e0e"),
    ("camera_stations", _("Camera-trap stations"), "#2f5d3a"),
]
WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 260, 44, 28, 18


def population_charts(figures):
    """One chart per series that has any value: bars with their coordinates and labels."""
    charts = []
    for field_name, title, colour in SERIES:
        points = [(f.year, getattr(f, field_name)) for f in figures]
        points = [(year, value) for year, value in points if value is not None]
        if not points:
            continue
        top = max(value for _year, value in points) or 1
        plot_width = WIDTH - PAD_LEFT - 8
        plot_height = HEIGHT - PAD_BOTTOM - PAD_TOP
        slot = plot_width / len(points)
        bars = []
        for position, (year, value) in enumerate(points):
            height = plot_height * value / top
            x = PAD_LEFT + position * slot + slot * 0.15
            bars.append(
                {
                    "year": year,
                    "value": value,
                    "x": round(x, 1),
                    "y": round(PAD_TOP + plot_height - height, 1),
                    "width": round(slot * 0.7, 1),
                    "height": round(height, 1),
                    "label_x": round(x + slot * 0.35, 1),
                    "label_y": round(PAD_TOP + plot_height - height - 4, 1),
                }
            )
        charts.append(
            {
                "field": field_name,
                "title": title,
                "colour": colour,
                "bars": bars,
                "width": WIDTH,
                "height": HEIGHT,
                "baseline": HEIGHT - PAD_BOTTOM,
                "year_y": HEIGHT - PAD_BOTTOM + 18,
                "max": top,
            }
        )
    return charts
