"""The theme codebook (`survey_definitions/themes.yaml`): validated like the surveys, into
immutable themes; a bad file fails with its file, line, field and message."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from ..definitions import DefinitionError, Problem
from ..definitions.loader import problems_at, read_yaml
from ..definitions.model import PeriodKind, PublicationSettings
from ..definitions.schema import PublicationSchema, StrictSchema, identifier

CODEBOOK_FILE = "themes.yaml"


class ThemeDirection(StrEnum):
    """Which way a theme leans, where it leans at all."""

    WORKS_WELL = "works_well"
    NEEDS_CHANGE = "needs_change"


@dataclass(frozen=True)
class Theme:
    """One theme: what it is called, what belongs and what does not, and how a child says it."""

    id: str
    label: str
    description: str
    child_words: str
    examples: tuple[str, ...]
    not_examples: tuple[str, ...] = ()
    parent: str | None = None
    direction: ThemeDirection | None = None
    retired: bool = False


@dataclass(frozen=True)
class Codebook:
    """Every theme, retired ones too (a coded item keeps its theme), in the file's order."""

    id: str
    version: int
    title: str
    themes: tuple[Theme, ...]
    publication: PublicationSettings
    source: str = ""
    checksum: str = ""

    @property
    def active(self) -> tuple[Theme, ...]:
        """The themes a coder may give now (not retired), numbered from 1 on the coding page."""
        return tuple(theme for theme in self.themes if not theme.retired)

    def get(self, theme_id: str) -> Theme | None:
        """The theme with this id, retired or not."""
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    def label(self, theme_id: str) -> str:
        """The theme's label, or its id for a theme no longer in the file."""
        theme = self.get(theme_id)
        return theme.label if theme else theme_id


class ThemeSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    label = fields.String(required=True, validate=validate.Length(min=1, max=80))
    description = fields.String(required=True, validate=validate.Length(min=1))
    child_words = fields.String(required=True, validate=validate.Length(min=1, max=80))
    examples = fields.List(
        fields.String(validate=validate.Length(min=1)),
        required=True,
        validate=validate.Length(min=1, error="give at least one example that belongs"),
    )
    not_examples = fields.List(fields.String(validate=validate.Length(min=1)), load_default=[])
    parent = fields.String(validate=identifier, load_default=None)
    direction = fields.String(
        validate=validate.OneOf([direction.value for direction in ThemeDirection]),
        load_default=None,
    )
    retired = fields.Boolean(load_default=False)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Theme:
        direction = data["direction"]
        return Theme(
            id=data["id"],
            label=data["label"],
            description=data["description"],
            child_words=data["child_words"],
            examples=tuple(data["examples"]),
            not_examples=tuple(data["not_examples"]),
            parent=data["parent"],
            direction=ThemeDirection(direction) if direction else None,
            retired=data["retired"],
        )


class CodebookSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    publication = fields.Nested(PublicationSchema, load_default=None)
    themes = fields.List(
        fields.Nested(ThemeSchema),
        required=True,
        validate=validate.Length(min=1, error="a codebook needs at least one theme"),
    )

    @validates_schema(skip_on_field_errors=True)
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        seen: set[str] = set()
        errors: dict[int, dict[str, list[str]]] = {}
        for index, theme in enumerate(data["themes"]):
            if theme.id in seen:
                errors[index] = {"id": [f"the theme id '{theme.id}' is used twice"]}
            seen.add(theme.id)
        for index, theme in enumerate(data["themes"]):
            if theme.parent is not None and theme.parent not in seen:
                errors.setdefault(index, {})["parent"] = [f"no theme '{theme.parent}' here"]
            elif theme.parent == theme.id:
                errors.setdefault(index, {})["parent"] = ["a theme cannot be its own parent"]
        publication = data.get("publication")
        if publication is not None and publication.period == PeriodKind.DAY:
            # Items keep only their month: a day's period could never be whole.
            errors_publication = {"period": ["themes are published by month or quarter"]}
            raise ValidationError(
                {**({"themes": errors} if errors else {}), "publication": errors_publication}
            )
        if errors:
            raise ValidationError({"themes": errors})

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Codebook:
        return Codebook(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            themes=tuple(data["themes"]),
            publication=data["publication"] or PublicationSettings(),
        )


def parse_codebook(source: str, file: str = "<string>") -> Codebook:
    """Validate YAML text into a codebook, or raise DefinitionError listing every problem."""
    data, lines = read_yaml(source, file)
    if not isinstance(data, dict):
        raise DefinitionError([Problem(file, 1, "(file)", "A codebook file is a YAML mapping.")])
    try:
        codebook: Codebook = CodebookSchema().load(data)
    except ValidationError as error:
        raise DefinitionError(problems_at(file, error.messages, lines)) from None
    checksum = hashlib.sha256(source.encode()).hexdigest()
    return Codebook(
        codebook.id,
        codebook.version,
        codebook.title,
        codebook.themes,
        codebook.publication,
        source,
        checksum,
    )


def load_codebook(directory: Path | str) -> Codebook:
    """The codebook in a survey folder (`themes.yaml`), named relative to the folder's parent."""
    path = Path(directory) / CODEBOOK_FILE
    shown = str(path.relative_to(Path(directory).parent))
    if not path.is_file():
        raise DefinitionError([Problem(shown, 1, "(file)", "No theme codebook here.")])
    return parse_codebook(path.read_text(encoding="utf-8"), shown)
