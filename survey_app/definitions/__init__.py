"""Survey definitions and focus-group guides: YAML files validated into immutable objects."""

from .guides import GuideDefinition, Prompt, PromptKind
from .loader import (
    DefinitionError,
    Problem,
    check_directory,
    check_folder,
    load_directory,
    load_document,
    load_file,
    load_guides,
    parse_definition,
    parse_document,
    reading_age_warnings,
    translation_problems,
    you_said_warnings,
)
from .model import Question, SurveyDefinition, Text

__all__ = [
    "check_directory",
    "check_folder",
    "GuideDefinition",
    "Prompt",
    "PromptKind",
    "DefinitionError",
    "Problem",
    "Question",
    "SurveyDefinition",
    "Text",
    "load_directory",
    "load_document",
    "load_file",
    "load_guides",
    "parse_definition",
    "parse_document",
    "reading_age_warnings",
    "translation_problems",
    "you_said_warnings",
]
