"""Survey definitions: YAML files validated into immutable objects."""

from .loader import (
    DefinitionError,
    Problem,
    check_directory,
    load_directory,
    load_file,
    parse_definition,
    reading_age_warnings,
    translation_problems,
)
from .model import Question, SurveyDefinition, Text

__all__ = [
    "check_directory",
    "DefinitionError",
    "Problem",
    "Question",
    "SurveyDefinition",
    "Text",
    "load_directory",
    "load_file",
    "parse_definition",
    "reading_age_warnings",
    "translation_problems",
]
