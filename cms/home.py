"""Sections that domain apps contribute to the home page.

cms knows nothing of leopards, tours or campaigns: each domain registers a section in its
AppConfig.ready() with a template and a function that returns the section's context (or None to
hide it), and the home page renders them in order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    name: str
    template: str
    get_context: Callable
    order: int = 100


_sections: dict[str, HomeSection] = {}


def register_section(name, template, get_context, order=100):
    _sections[name] = HomeSection(name, template, get_context, order)


def sections_for(request, page):
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.name)):
        context = section.get_context(request, page)
        if context is not None:
            rendered.append(
                {"template": section.template, "context": context, "name": section.name}
            )
    return rendered
