"""Load survey YAML files into definitions; every problem names its file, line and field."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from .guides import FOCUS_GROUP, GuideDefinition, GuideSchema
from .languages import language_name
from .model import SurveyDefinition
from .reading_age import hard_sentences
from .schema import SurveySchema
from .translations import Gap, translation_gaps
from .you_said_words import missing_you_said_words

Path_ = tuple[str | int, ...]

# Files in a survey folder that are not surveys: the theme codebook (survey_app.themes).
NOT_SURVEYS = frozenset({"themes.yaml"})


class SurveyYamlLoader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so options such as yes, no and on stay words."""


def _construct_mapping_once(
    loader: SurveyYamlLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    """A key given twice is a mistake (the second would silently win), so refuse it."""
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"'{key}' is given twice (first on line {seen[key]})",
                key_node.start_mark,
            )
        if isinstance(key, str):
            seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


SurveyYamlLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping_once,
)

SurveyYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SurveyYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a survey file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class DefinitionError(Exception):
    """One or more survey files are invalid."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _line_map(node: yaml.Node, path: Path_ = ()) -> Iterator[tuple[Path_, int]]:
    """The 1-based line of every key and item in a composed YAML document."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            yield child, key_node.start_mark.line + 1
            yield from _line_map(value_node, child)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            yield child, item.start_mark.line + 1
            yield from _line_map(item, child)


def _flatten(messages: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, (*path, key))
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield path, str(messages)


def _field_name(path: Path_) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(file)"


def _nearest_line(path: Path_, lines: dict[Path_, int]) -> int | None:
    """The line of path in the file, or of the nearest enclosing key that is there."""
    for depth in range(len(path), 0, -1):
        if path[:depth] in lines:
            return lines[path[:depth]]
    return None


def _problems(file: str, messages: Any, lines: dict[Path_, int]) -> list[Problem]:
    problems = []
    for path, message in _flatten(messages):
        # marshmallow reports dict values under "value"/"key" and whole-schema errors under
        # "_schema": drop those to find the nearest spot in the file.
        cleaned = tuple(part for part in path if part not in ("value", "key", "_schema"))
        line = _nearest_line(cleaned, lines) or 1
        problems.append(Problem(file, line, _field_name(cleaned), message))
    return sorted(problems, key=lambda problem: (problem.line, problem.field))


def read_yaml(source: str, file: str) -> tuple[Any, dict[Path_, int]]:
    """YAML text as data, with the line of every key and item; DefinitionError if it is not
    YAML (also for the theme codebook, which is validated the same way)."""
    try:
        document = yaml.compose(source, Loader=SurveyYamlLoader)
        data = yaml.load(source, Loader=SurveyYamlLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionError(
            [Problem(file, line, "(yaml)", f"not valid YAML: {problem}")]
        ) from None
    return data, (dict(_line_map(document)) if document is not None else {})


def problems_at(file: str, messages: Any, lines: dict[Path_, int]) -> list[Problem]:
    """marshmallow's messages as problems, each at its file, line and field."""
    return _problems(file, messages, lines)


def parse_definition(source: str, file: str = "<string>") -> SurveyDefinition:
    """Validate YAML text into a definition, or raise DefinitionError listing every problem."""
    definition = _parse(source, file, guides_allowed=False)
    assert isinstance(definition, SurveyDefinition)
    return definition


def parse_document(source: str, file: str = "<string>") -> SurveyDefinition | GuideDefinition:
    """Validate YAML text into a survey or (audience focus_group) a focus-group guide."""
    return _parse(source, file, guides_allowed=True)


def _parse(source: str, file: str, guides_allowed: bool) -> SurveyDefinition | GuideDefinition:
    data, lines = read_yaml(source, file)
    if not isinstance(data, dict):
        raise DefinitionError([Problem(file, 1, "(file)", "A survey file is a YAML mapping.")])
    checksum = hashlib.sha256(source.encode()).hexdigest()
    if guides_allowed and data.get("audience") == FOCUS_GROUP:
        try:
            guide: GuideDefinition = GuideSchema().load(data)
        except ValidationError as error:
            raise DefinitionError(_problems(file, error.messages, lines)) from None
        return replace(guide, source_path=file, source=source, checksum=checksum)
    try:
        definition: SurveyDefinition = SurveySchema().load(data)
    except ValidationError as error:
        raise DefinitionError(_problems(file, error.messages, lines)) from None
    # English inside a right-to-left page garbles it (punctuation and numbers jump about), so
    # such a survey is refused; other gaps fall back to English and `survey-app check` fails.
    right_to_left = [gap for gap in translation_gaps(definition) if gap.right_to_left]
    if right_to_left:
        raise DefinitionError(_gap_problems(file, right_to_left, lines))
    return replace(definition, source_path=file, source=source, checksum=checksum)


def translation_problems(definition: SurveyDefinition) -> list[Problem]:
    """Every word the survey leaves untranslated in a language it offers, with file and line."""
    document = yaml.compose(definition.source, Loader=SurveyYamlLoader)
    lines = dict(_line_map(document)) if document is not None else {}
    return _gap_problems(definition.source_path, translation_gaps(definition), lines)


def reading_age_warnings(definition: SurveyDefinition) -> list[Problem]:
    """Each English sentence a child may see that reads above their age band's level, with file
    and line: a warning for the author, not a reason to refuse the survey."""
    document = yaml.compose(definition.source, Loader=SurveyYamlLoader)
    lines = dict(_line_map(document)) if document is not None else {}
    source = definition.source.splitlines()
    warnings = []
    for hard in hard_sentences(definition):
        line = _sentence_line(source, hard.sentence, _nearest_line(hard.path, lines) or 1)
        who = f"ages {hard.band}" if hard.band else "children"
        message = (
            f"reads at grade {hard.grade:g}, above {hard.level:g} for {who} "
            f'(Flesch-Kincaid): "{_shortened(hard.sentence)}"'
        )
        warnings.append(Problem(definition.source_path, line, _field_name(hard.path), message))
    return sorted(warnings, key=lambda warning: (warning.line, warning.field))


def you_said_warnings(definition: SurveyDefinition) -> list[Problem]:
    """Each language the survey offers that has no words, from the survey or built in, for the
    headings around "you said, we did": its pages then show children no actions, so the author
    is warned (the survey still loads)."""
    document = yaml.compose(definition.source, Loader=SurveyYamlLoader)
    lines = dict(_line_map(document)) if document is not None else {}
    warnings = []
    for language in definition.languages:
        missing = missing_you_said_words(definition, language)
        if not missing:
            continue
        line = _nearest_line(("interface", missing[0]), lines) or lines.get(("languages",), 1)
        message = (
            f'no {language} ({language_name(language)}) words for "you said, we did", so its '
            f"pages show children no actions: add {', '.join(missing)} under interface."
        )
        warnings.append(Problem(definition.source_path, line, "interface", message))
    return warnings


def _sentence_line(source: list[str], sentence: str, field_line: int) -> int:
    """The line a sentence starts on, within the field starting at field_line (a folded block
    puts each sentence on a line of its own or wraps it); the field's line if not found."""
    opening = " ".join(sentence.split()[:3])
    for offset, text in enumerate(source[field_line - 1 : field_line + 30]):
        if opening in " ".join(text.split()):
            return field_line + offset
    return field_line


def _gap_problems(file: str, gaps: list[Gap], lines: dict[Path_, int]) -> list[Problem]:
    problems = []
    for gap in gaps:
        line = _nearest_line(gap.path, lines) or lines.get(("languages",), 1)
        if gap.service_key:
            message = (
                f"no {gap.language} words for the service's '{gap.service_key}' "
                f'("{_shortened(gap.english)}"): add them under interface.{gap.service_key}.'
            )
        elif "options" in gap.path and gap.path[: gap.path.index("options") + 1] not in lines:
            message = (
                f'no {gap.language} words for the built-in option "{gap.english}": write the '
                "options out with their translations."
            )
        else:
            message = f'no {gap.language} words (English: "{_shortened(gap.english)}").'
        problems.append(Problem(file, line, _field_name(gap.path), message))
    return sorted(problems, key=lambda problem: (problem.line, problem.field))


def _shortened(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= 60 else words[:57] + "..."


def load_file(
    path: Path, relative_to: Path | None = None, shown_as: str | None = None
) -> SurveyDefinition:
    """Load one survey file."""
    shown = shown_as or (str(path.relative_to(relative_to)) if relative_to else str(path))
    return parse_definition(path.read_text(encoding="utf-8"), shown)


def load_document(
    path: Path, relative_to: Path | None = None, shown_as: str | None = None
) -> SurveyDefinition | GuideDefinition:
    """Load one survey or focus-group guide file."""
    shown = shown_as or (str(path.relative_to(relative_to)) if relative_to else str(path))
    return parse_document(path.read_text(encoding="utf-8"), shown)


def load_directory(directory: Path) -> dict[str, SurveyDefinition]:
    """Load every survey in directory (*.yaml / *.yml; guides are left out, but a bad guide is
    reported too), reporting all problems together."""
    definitions, problems = check_directory(directory)
    if problems:
        raise DefinitionError(problems)
    return definitions


def load_guides(directory: Path | str) -> dict[str, GuideDefinition]:
    """Load every focus-group guide in directory, reporting every problem in the folder."""
    _, guides, problems = check_folder(directory)
    if problems:
        raise DefinitionError(problems)
    return guides


def check_directory(
    directory: Path | str, shown_as: str | None = None
) -> tuple[dict[str, SurveyDefinition], list[Problem]]:
    """The survey definitions in directory that load, and every problem in the rest (guides'
    problems included). Files are named as in `check_folder`."""
    surveys, _, problems = check_folder(directory, shown_as)
    return surveys, problems


def check_folder(
    directory: Path | str, shown_as: str | None = None
) -> tuple[dict[str, SurveyDefinition], dict[str, GuideDefinition], list[Problem]]:
    """The surveys and focus-group guides in directory that load, and every problem in the rest.

    Files are named relative to the folder's parent, or under shown_as (the folder as the
    operator typed it). Surveys and guides share one set of ids, as `survey-app surveys` lists
    them together.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return {}, {}, [Problem(shown_as or str(directory), 1, "(folder)", "No such folder.")]
    problems: list[Problem] = []
    definitions: dict[str, SurveyDefinition] = {}
    guides: dict[str, GuideDefinition] = {}
    files = sorted(
        path
        for path in [*directory.glob("*.yaml"), *directory.glob("*.yml")]
        if path.name not in NOT_SURVEYS
    )
    for path in files:
        shown = os.path.join(shown_as, path.name) if shown_as is not None else None
        try:
            loaded = load_document(path, directory.parent, shown)
        except DefinitionError as error:
            problems.extend(error.problems)
            continue
        first = definitions.get(loaded.id) or guides.get(loaded.id)
        if first is not None:
            problems.append(
                Problem(
                    loaded.source_path,
                    1,
                    "id",
                    f"Survey id '{loaded.id}' is already used by {first.source_path}.",
                )
            )
            continue
        if isinstance(loaded, GuideDefinition):
            guides[loaded.id] = loaded
        else:
            definitions[loaded.id] = loaded
    return definitions, guides, problems
