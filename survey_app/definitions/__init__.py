"""Survey definitions: YAML files validated into immutable objects."""

from .loader import DefinitionError, Problem, load_directory, load_file, parse_definition
from .model import Question, SurveyDefinition, Text

__all__ = [
    "DefinitionError",
    "Problem",
    "Question",
    "SurveyDefinition",
    "Text",
    "load_directory",
    "load_file",
    "parse_definition",
]
