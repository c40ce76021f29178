"""Focus-group guides: the prompts and activities a facilitator runs with a group, as YAML
validated (like surveys) into immutable objects. A guide has no public link: it is recorded by
staff, never answered by a child on their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from .model import AgeBand, Option, Text
from .schema import (
    AgeBandSchema,
    OptionSchema,
    StrictSchema,
    TextField,
    _failed,
    _ids,
    identifier,
)
from .words import face_options

FOCUS_GROUP = "focus_group"


class PromptKind(StrEnum):
    """What a prompt asks the group to do, and so what a facilitator records for it."""

    DISCUSSION = "discussion"
    STICKY_NOTES = "sticky_notes"
    DOT_VOTE = "dot_vote"  # dots on the options: votes counted per option
    SCALE = "scale"  # a show of hands per face
    DRAWING = "drawing"  # photos of what was drawn or written


class Group(StrEnum):
    """Who the group is: the risk screen reads children's and adults' words differently."""

    CHILDREN = "children"
    PRACTITIONERS = "practitioners"


@dataclass(frozen=True)
class Prompt:
    """One prompt or activity: facilitator wording, optional child wording per age band."""

    id: str
    kind: PromptKind
    title: Text
    facilitator: Text
    child: Mapping[str, Text] = field(default_factory=dict)
    options: tuple[Option, ...] = ()  # a dot vote's options, or a scale's faces
    materials: Text | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "child", MappingProxyType(dict(self.child)))

    @property
    def counts_votes(self) -> bool:
        """Whether a facilitator records counts per option (dots, or hands per face)."""
        return self.kind in (PromptKind.DOT_VOTE, PromptKind.SCALE)


@dataclass(frozen=True)
class GuideDefinition:
    """A focus-group guide as loaded from YAML (audience focus_group)."""

    id: str
    version: int
    title: Text
    introduction: Text
    group: Group
    prompts: tuple[Prompt, ...]
    age_bands: tuple[AgeBand, ...] = ()
    minutes: int = 60
    closing: Text | None = None
    audience: str = FOCUS_GROUP
    languages: tuple[str, ...] = ("en",)
    source_path: str = ""
    source: str = ""
    checksum: str = ""

    def prompt(self, prompt_id: str) -> Prompt:
        """The prompt with this id (KeyError if the guide has none)."""
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        raise KeyError(prompt_id)

    def band_ids(self) -> tuple[str, ...]:
        """The age bands participants are counted in."""
        return tuple(band.id for band in self.age_bands)


class PromptSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    kind = fields.String(required=True, validate=validate.OneOf([str(k) for k in PromptKind]))
    title = TextField(required=True)
    facilitator = TextField(required=True)
    child = fields.Dict(keys=fields.String(validate=identifier), values=TextField())
    options = fields.List(fields.Nested(OptionSchema))
    points = fields.Integer(validate=validate.OneOf([3, 5]))
    materials = TextField()

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _kind_fits(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        failed = _failed(data, original)
        if "kind" in failed:
            return
        kind = data.get("kind")
        errors: dict[str, list[str]] = {}
        options = data.get("options")
        if kind == PromptKind.DOT_VOTE:
            if "options" not in failed and (not options or len(options) < 2):
                errors["options"] = ["A dot_vote needs at least two options to vote on."]
            elif options:
                ids = [option.id for option in options]
                duplicates = sorted({i for i in ids if ids.count(i) > 1})
                if duplicates:
                    errors["options"] = [f"Duplicate option id: {', '.join(duplicates)}."]
        elif options is not None:
            errors["options"] = [f"A {kind} prompt has no options (only a dot_vote has)."]
        if kind == PromptKind.SCALE:
            if "points" not in data and "points" not in failed:
                errors["points"] = ["A scale needs points: 3 or 5 faces to show hands for."]
        elif "points" in data:
            errors["points"] = ["Only a scale has points."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Prompt:
        kind = PromptKind(data["kind"])
        options = tuple(data.get("options") or ())
        if kind == PromptKind.SCALE:
            options = face_options(data["points"])
        return Prompt(
            id=data["id"],
            kind=kind,
            title=data["title"],
            facilitator=data["facilitator"],
            child=data.get("child") or {},
            options=options,
            materials=data.get("materials"),
        )


class GuideSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    audience = fields.String(required=True, validate=validate.OneOf([FOCUS_GROUP]))
    group = fields.String(required=True, validate=validate.OneOf([str(g) for g in Group]))
    title = TextField(required=True)
    introduction = TextField(required=True)
    closing = TextField()
    minutes = fields.Integer(load_default=60, validate=validate.Range(min=10, max=240))
    age_bands = fields.List(fields.Nested(AgeBandSchema), required=True)
    prompts = fields.List(
        fields.Nested(PromptSchema), required=True, validate=validate.Length(min=1)
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _consistent(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        errors: dict[str | int, Any] = {}

        def add(path: tuple[str | int, ...], message: str) -> None:
            node = errors
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node.setdefault(path[-1], []).append(message)

        failed = _failed(data, original)
        band_ids = _ids(data.get("age_bands", []))
        if "age_bands" not in failed and "age_bands" in data and not band_ids:
            add(("age_bands",), "Name at least one age band: participants are counted by band.")
        if len(set(band_ids)) != len(band_ids):
            add(("age_bands",), "An age band id is used twice.")
        seen: set[str] = set()
        for index, prompt in enumerate(data.get("prompts", [])):
            prompt_id = prompt.get("id") if isinstance(prompt, dict) else prompt.id
            if isinstance(prompt_id, str) and prompt_id in seen:
                add(("prompts", index, "id"), f"Duplicate prompt id '{prompt_id}'.")
            if isinstance(prompt_id, str):
                seen.add(prompt_id)
            if not isinstance(prompt, Prompt):
                continue
            if prompt.child and data.get("group") == Group.PRACTITIONERS:
                add(("prompts", index, "child"), "A practitioners' guide has no child wording.")
            for band in prompt.child:
                if band not in band_ids and "age_bands" not in failed:
                    add(("prompts", index, "child"), f"Unknown age band '{band}'.")
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> GuideDefinition:
        return GuideDefinition(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            introduction=data["introduction"],
            group=Group(data["group"]),
            prompts=tuple(data["prompts"]),
            age_bands=tuple(data["age_bands"]),
            minutes=data["minutes"],
            closing=data.get("closing"),
        )
