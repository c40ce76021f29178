"""A JSON Schema of the survey format, generated from the marshmallow schemas so both agree."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from .guides import GuideSchema
from .schema import LANGUAGE_CODE, ServiceWordsField, SurveySchema, TextField

TEXT_SCHEMA = {
    "description": "Words: a string (English) or a mapping of language code to words; "
    "English ('en') is required.",
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "required": ["en"],
            "propertyNames": {"pattern": LANGUAGE_CODE.pattern},
            "additionalProperties": {"type": "string", "minLength": 1},
        },
    ],
}


SERVICE_WORDS_SCHEMA = {
    "description": "A translation of one of the service's words: a mapping of language code "
    "to words (English, if given, replaces the service's own).",
    "type": "object",
    "propertyNames": {"pattern": LANGUAGE_CODE.pattern},
    "additionalProperties": {"type": "string", "minLength": 1},
}


def _field(field: fields.Field) -> dict[str, Any]:
    if isinstance(field, ServiceWordsField):
        return {"$ref": "#/$defs/service_words"}
    if isinstance(field, TextField):
        return {"$ref": "#/$defs/text"}
    if isinstance(field, fields.Nested):
        nested = field.schema
        return _object(nested)
    if isinstance(field, fields.List):
        return {"type": "array", "items": _field(field.inner), **_validators(field)}
    if isinstance(field, fields.Dict):
        result: dict[str, Any] = {"type": "object"}
        if field.key_field is not None:
            keys = _validators(field.key_field)
            if "enum" in keys:
                result["propertyNames"] = {"enum": keys["enum"]}
        if field.value_field is not None:
            result["additionalProperties"] = _field(field.value_field)
        return result
    kinds = {fields.String: "string", fields.Integer: "integer", fields.Boolean: "boolean"}
    for kind, name in kinds.items():
        if isinstance(field, kind):
            return {"type": name, **_validators(field)}
    return {}


def _validators(field: fields.Field) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            result["enum"] = list(validator.choices)
        elif isinstance(validator, validate.Range):
            if validator.min is not None:
                result["minimum"] = validator.min
            if validator.max is not None:
                result["maximum"] = validator.max
        elif isinstance(validator, validate.Length):
            key = "minItems" if isinstance(field, fields.List) else "minLength"
            if validator.min is not None:
                result[key] = validator.min
        elif isinstance(validator, validate.Regexp):
            result["pattern"] = validator.regex.pattern
    return result


def _object(schema: Schema) -> dict[str, Any]:
    properties = {}
    required = []
    for name, field in schema.fields.items():
        key = field.data_key or name
        properties[key] = _field(field)
        if field.required:
            required.append(key)
    result: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        result["required"] = required
    return result


def survey_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a survey definition file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Survey definition",
        **_object(SurveySchema()),
        "$defs": {"text": TEXT_SCHEMA, "service_words": SERVICE_WORDS_SCHEMA},
    }


def guide_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a focus-group guide file (audience focus_group)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Focus-group guide",
        **_object(GuideSchema()),
        "$defs": {"text": TEXT_SCHEMA, "service_words": SERVICE_WORDS_SCHEMA},
    }
