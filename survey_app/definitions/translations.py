"""Which words a survey leaves untranslated in the languages it offers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .languages import is_right_to_left
from .model import SurveyDefinition, Text
from .words import INTERFACE, LINKING

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Gap:
    """Words shown in English because the survey has none in language."""

    path: Path_
    language: str
    english: str
    # Set when the words are the service's own (interface), not the survey's.
    service_key: str = ""

    @property
    def right_to_left(self) -> bool:
        """English in a right-to-left page breaks the page, not just the wording."""
        return is_right_to_left(self.language)


def service_words(definition: SurveyDefinition) -> dict[str, str]:
    """The service's own words (English) that this survey's pages can show."""
    return {**INTERFACE, **(LINKING if definition.waves else {})}


def survey_texts(definition: SurveyDefinition) -> Iterator[tuple[Path_, Text]]:
    """Every piece of the survey's own words, with its path in the file."""
    for key in ("title", "introduction", "privacy", "thank_you", "card_line"):
        text = getattr(definition, key)
        if text is not None:
            yield (key,), text
    for index, age_band in enumerate(definition.age_bands):
        yield ("age_bands", index, "label"), age_band.label
    for index, wave in enumerate(definition.waves):
        yield ("waves", index, "label"), wave.label
    for page_index, page in enumerate(definition.pages):
        if page.title:
            yield ("pages", page_index, "title"), page.title
        for index, question in enumerate(page.questions):
            path: Path_ = ("pages", page_index, "questions", index)
            yield (*path, "text"), question.text
            if question.hint:
                yield (*path, "hint"), question.hint
            for option_index, option in enumerate(question.options):
                yield (*path, "options", option_index, "label"), option.label
            for band, wording in question.bands.items():
                for key in ("text", "hint"):
                    text = getattr(wording, key)
                    if text:
                        yield (*path, "bands", band, key), text
                for option_index, option in enumerate(wording.options or ()):
                    yield (*path, "bands", band, "options", option_index, "label"), option.label


def translation_gaps(definition: SurveyDefinition) -> list[Gap]:
    """Per declared language, every survey text and service word the survey has no words for."""
    gaps: list[Gap] = []
    others = [language for language in definition.languages if language != "en"]
    for path, text in survey_texts(definition):
        if text.en.strip().isdigit():
            continue  # numbers on a scale read the same in every language
        for language in others:
            if language not in text.translations:
                gaps.append(Gap(path, language, text.en))
    for key, english in service_words(definition).items():
        given = definition.interface.get(key)
        for language in others:
            if given is None or language not in given.translations:
                path = ("interface", key) if given else ("interface",)
                gaps.append(Gap(path, language, english, service_key=key))
    return gaps
