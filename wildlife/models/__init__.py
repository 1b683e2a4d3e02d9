from wildlife.models.camtrap import (
    Deployment,
    EmbargoChange,
    ImportRun,
    Media,
    Observation,
    Provider,
    Sector,
    Species,
)
from wildlife.models.pages import LeopardIndexPage, LeopardPage, PopulationPage
from wildlife.models.sightings import Highlight, PopulationFigure, PublishedSighting

__all__ = [
    "Deployment",
    "EmbargoChange",
    "Highlight",
    "ImportRun",
    "LeopardIndexPage",
    "LeopardPage",
    "Media",
    "Observation",
    "PopulationFigure",
    "PopulationPage",
    "Provider",
    "PublishedSighting",
    "Sector",
    "Species",
]
