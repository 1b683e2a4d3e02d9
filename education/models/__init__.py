from education.models.events import EventIndexPage, EventKind, EventPage
from education.models.resources import (
    AgeBand,
    EducationIndexPage,
    ResourceFile,
    ResourceFormat,
    ResourcePage,
    Subject,
)
from education.models.visits import ClassVisitRequest

__all__ = [
    "AgeBand",
    "ClassVisitRequest",
    "EducationIndexPage",
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "ResourceFile",
    "ResourceFormat",
    "ResourcePage",
    "Subject",
]
