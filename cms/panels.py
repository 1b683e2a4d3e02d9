"""The dashboard's building block: a panel of a role's figures, each with the screen it opens.

Each domain contributes its panel from `<app>/panels.py` through Wagtail's
`construct_homepage_panels` hook; a panel is shown only to users whose permissions make it
their work, so every role lands on its own figures and not on the others'.
"""

from dataclasses import dataclass

from wagtail.admin.ui.components import Component


@dataclass
class Figure:
    label: str
    value: object
    url: str = ""
    # Draws the eye when there is work waiting (a count above zero).
    urgent: bool = False


class FiguresPanel(Component):
    """Subclasses set name, heading, order, `permissions` (any of them shows the panel) and
    return their figures from `figures()`; `links()` adds the screens the role opens most."""

    template_name = "cms/admin/panels/figures.html"
    heading = ""
    permissions = ()

    def __init__(self, request):
        self.request = request

    @classmethod
    def shown_to(cls, user):
        return any(user.has_perm(permission) for permission in cls.permissions)

    def figures(self):
        return []

    def links(self):
        return []

    def get_context_data(self, parent_context):
        return {
            "panel_id": self.name.replace("_", "-"),
            "heading": self.heading,
            "figures": self.figures(),
            "links": self.links(),
        }


def add_panel(panel_class):
    """A `construct_homepage_panels` hook that adds `panel_class` for the users it serves."""

    def construct(request, panels):
        if panel_class.shown_to(request.user):
            panels.append(panel_class(request))

    return construct
