"""Action forms generated from the domain's action models: a new action gets its form here.

A field's widget follows from its type (choices for enums and literals, a checkbox or yes/no for
booleans, a number, a date and time, nested yes/no questions for a sub-model); a few fields get
their choices from the case's own policy (tiers, closure reasons) or the agency catalogue, keyed
by field name or by ``action.field``. Parsing
turns the submitted strings back into the shape the model validates: validation itself is the
model's, exactly as in the API.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from console.labels import words

SKIPPED = ("actor", "type")
LOCAL = ZoneInfo("Europe/London")  # officers type times as they read them on the wall clock


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class Field:
    name: str
    label: str
    kind: Literal[
        "text",
        "date",
        "number",
        "datetime",
        "select",
        "radios",
        "checkbox",
        "yesno",
        "list",
        "group",
    ]
    required: bool
    hint: str = ""
    choices: list[Choice] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    many: bool = False
    optional: bool = False


@dataclass
class ActionForm:
    type: str
    title: str
    description: str
    fields: list[Field]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional) for ``X | None``."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _base(annotation: Any) -> Any:
    """Strip ``Annotated``."""
    while hasattr(annotation, "__metadata__"):
        annotation = get_args(annotation)[0]
    return annotation


def _field(name: str, info: FieldInfo, options: dict[str, list[Choice]], action: str = "") -> Field:
    annotation, optional = _unwrap(_base(info.annotation))
    annotation = _base(annotation)
    required = info.is_required()
    label = words(name)
    hint = info.description or ""
    chosen = options.get(f"{action}.{name}") or options.get(name)
    if chosen:
        many = get_origin(annotation) is list  # one choice is sent as a list of one
        return Field(name, label, "select", required, hint, chosen, many=many)
    if get_origin(annotation) is Literal:
        choices = [Choice(str(v), words(str(v))) for v in get_args(annotation)]
        return Field(name, label, "radios", required and not optional, hint, choices)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = [Choice(str(m.value), words(str(m.value))) for m in annotation]
        return Field(name, label, "select", required, hint, choices)
    if annotation is bool:
        return Field(name, label, "yesno" if optional else "checkbox", False, hint)
    if annotation is int:
        return Field(name, label, "number", required, hint)
    if annotation is date:
        return Field(name, label, "date", required, hint)
    if annotation in (datetime, AwareDatetime):
        return Field(name, label, "datetime", required, hint or "UK time")
    if get_origin(annotation) is list:
        return Field(name, label, "list", required, hint or "Separate several with commas")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        children = [_field(n, i, options) for n, i in annotation.model_fields.items()]
        group = Field(
            name, label, "group", False, hint or annotation.__doc__ or "", children=children
        )
        group.optional = optional  # left out unless something in it is filled in
        return group
    return Field(name, label, "text", required, hint)


def action_form(model: type[BaseModel], options: dict[str, list[Choice]]) -> ActionForm:
    action_type = str(model.model_fields["type"].default)
    doc = (model.__doc__ or "").strip()
    fields = [
        _field(name, info, options, action_type)
        for name, info in model.model_fields.items()
        if name not in SKIPPED
    ]
    return ActionForm(action_type, words(action_type), doc, fields)


def parse(form: ActionForm, submitted: dict[str, str]) -> dict[str, Any]:
    """Submitted strings to the model's shape. Empty optional fields are left out."""
    return _parse(form.fields, submitted, "")


def _parse(fields: list[Field], submitted: dict[str, str], prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in fields:
        key = prefix + f.name
        raw = submitted.get(key, "").strip()
        if f.kind == "group":
            inner = _parse(f.children, submitted, key + ".")
            if not f.optional or any(v not in (False, None, "", [], {}) for v in inner.values()):
                values[f.name] = inner
        elif f.kind == "checkbox":
            values[f.name] = raw in ("on", "true", "yes")
        elif raw == "":
            continue  # the model says whether it was required
        elif f.kind == "yesno":
            values[f.name] = raw == "yes"
        elif f.kind == "list" or f.many:
            values[f.name] = [part.strip() for part in raw.split(",") if part.strip()]
        elif f.kind == "datetime":
            values[f.name] = _local_datetime(raw)
        else:
            values[f.name] = raw
    return values


def _local_datetime(raw: str) -> str:
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return raw  # the model names the field and the problem
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL)
    return parsed.isoformat()
