"""Camtrap DP 1.0.2 validation, offline, from the standard's own schema files (schemas/).

The table schemas are Frictionless Table Schemas; this reads the parts Camtrap DP uses (types
string, number, integer, boolean, datetime and any; constraints required, unique, minimum,
maximum, enum and pattern; missingValues; primary and foreign keys) and checks one row at a
time, so a package of any size is validated in constant memory. Uniqueness and foreign keys
are checked by the importer against what it has already written.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).parent / "schemas"
TABLES = ("deployments", "media", "observations")
# The Camtrap DP versions whose tables these schemas read (1.0.1 and 1.0.2 only fixed texts).
SUPPORTED_VERSION = re.compile(r"/camtrap-dp/1\.0(\.[0-2])?/")
TRUE_VALUES = {"true", "True", "TRUE", "1"}
FALSE_VALUES = {"false", "False", "FALSE", "0"}
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
PACKAGE_REQUIRED = (
    "resources",
    "profile",
    "created",
    "contributors",
    "project",
    "spatial",
    "temporal",
    "taxonomic",
)


class FieldError(ValueError):
    pass


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: frozenset | None = None
    pattern: re.Pattern | None = None

    @classmethod
    def from_schema(cls, spec):
        constraints = spec.get("constraints", {})
        pattern = constraints.get("pattern")
        fmt = spec.get("format")
        return cls(
            name=spec["name"],
            type=spec.get("type", "string"),
            required=bool(constraints.get("required")),
            format=fmt if fmt and fmt != "default" else None,
            minimum=constraints.get("minimum"),
            maximum=constraints.get("maximum"),
            enum=frozenset(constraints["enum"]) if "enum" in constraints else None,
            # Frictionless patterns match the whole value.
            pattern=re.compile(f"(?:{pattern})\\Z") if pattern else None,
        )

    def convert(self, text):
        """The typed value of `text` (never missing), or FieldError with a reason."""
        if self.type == "string":
            value = text
        elif self.type == "number":
            if not NUMBER.match(text):
                raise FieldError(f"{text!r} is not a number")
            value = float(text)
            if not math.isfinite(value):
                raise FieldError(f"{text!r} is not a finite number")
        elif self.type == "integer":
            if not INTEGER.match(text):
                raise FieldError(f"{text!r} is not an integer")
            value = int(text)
        elif self.type == "boolean":
            if text in TRUE_VALUES:
                value = True
            elif text in FALSE_VALUES:
                value = False
            else:
                raise FieldError(f"{text!r} is not a boolean (true or false)")
        elif self.type == "datetime":
            try:
                value = datetime.strptime(text, self.format or "%Y-%m-%dT%H:%M:%S%z")
            except ValueError:
                raise FieldError(
                    f"{text!r} is not a date and time with a time zone (2024-05-17T21:04:00+10:00)"
                ) from None
            if value.tzinfo is None:
                raise FieldError(f"{text!r} has no time zone")
        elif self.type == "any":
            value = _json_or_text(text)
        else:
            raise FieldError(f"unsupported field type {self.type}")
        if self.enum is not None and value not in self.enum:
            allowed = ", ".join(sorted(self.enum))
            raise FieldError(f"{text!r} is not one of: {allowed}")
        if self.pattern is not None and not self.pattern.match(text):
            raise FieldError(f"{text!r} does not match the required pattern")
        if self.minimum is not None and value < self.minimum:
            raise FieldError(f"{text} is below the minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise FieldError(f"{text} is above the maximum {self.maximum}")
        return value


def _json_or_text(text):
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


@dataclass(frozen=True)
class TableSchema:
    name: str
    fields: tuple
    missing_values: frozenset
    primary_key: str

    @property
    def field_names(self):
        return [field.name for field in self.fields]

    def required_columns(self):
        return [field.name for field in self.fields if field.required]

    def convert_row(self, row):
        """({name: value}, [(field, message)]) for one CSV row given as {column: text}."""
        values, errors = {}, []
        for field in self.fields:
            text = row.get(field.name)
            text = text.strip() if text is not None else None
            if text is None or text in self.missing_values:
                if field.required:
                    errors.append((field.name, "is required"))
                values[field.name] = None
                continue
            try:
                values[field.name] = field.convert(text)
            except FieldError as error:
                errors.append((field.name, str(error)))
        return values, errors


@cache
def table_schema(name):
    spec = json.loads((SCHEMA_DIR / f"{name}-table-schema.json").read_text("utf-8"))
    return TableSchema(
        name=name,
        fields=tuple(Field.from_schema(field) for field in spec["fields"]),
        missing_values=frozenset(spec.get("missingValues", [""])),
        primary_key=spec["primaryKey"],
    )


def descriptor_errors(descriptor):
    """[(field, message)] of a datapackage.json against the Camtrap DP 1.0.2 profile."""
    if not isinstance(descriptor, dict):
        return [("-", "datapackage.json must hold a JSON object")]
    errors = [(key, "is required") for key in PACKAGE_REQUIRED if key not in descriptor]
    profile = descriptor.get("profile")
    if isinstance(profile, str) and not SUPPORTED_VERSION.search(profile):
        errors.append(("profile", f"{profile!r} is not a Camtrap DP 1.0 profile"))
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        errors.append(("resources", "must be a list"))
        return errors
    found = {}
    for position, resource in enumerate(resources):
        where = f"resources[{position}]"
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            errors.append((where, "must be an object with a name"))
            continue
        name = resource["name"]
        if name not in TABLES:
            continue
        found[name] = resource
        for key in ("path", "profile", "schema"):
            if key not in resource:
                errors.append((f"{where}.{key}", "is required"))
        if resource.get("profile", "tabular-data-resource") != "tabular-data-resource":
            errors.append((f"{where}.profile", "must be tabular-data-resource"))
        schema = resource.get("schema")
        if isinstance(schema, str) and not SUPPORTED_VERSION.search(schema):
            errors.append((f"{where}.schema", f"{schema!r} is not a Camtrap DP 1.0 table schema"))
        elif schema is not None and not isinstance(schema, str):
            errors.append((f"{where}.schema", "must be the URL of a Camtrap DP table schema"))
        paths = resource.get("path")
        paths = paths if isinstance(paths, list) else [paths]
        for path in paths:
            if not isinstance(path, str) or not path:
                errors.append((f"{where}.path", "must be a file path"))
            elif "://" in path:
                errors.append((f"{where}.path", "tables must be files in the package, not URLs"))
    errors.extend((f"resources[{name}]", "is required") for name in TABLES if name not in found)
    return errors
