"""The words around "you said, we did" on a child's pages, in the page's language: the
survey's own interface words, else the built-in ones (survey_app.definitions.you_said_words)."""

from __future__ import annotations

from dataclasses import dataclass

from ..definitions.model import SurveyDefinition
from ..definitions.you_said_words import you_said_word


@dataclass(frozen=True)
class ChildWords:
    """The headings and links of the "you said, we did" pieces in one language."""

    title: str
    you_told_us: str
    so_we: str
    see_all: str
    intro: str
    none_yet: str
    back: str


def child_words(definition: SurveyDefinition, language: str) -> ChildWords | None:
    """The words in language, or None where any is written neither by the survey nor built in
    (the page then does without the pieces rather than show English inside another language)."""
    found = {
        field: you_said_word(definition, key, language)
        for field, key in (
            ("title", "you_said_title"),
            ("you_told_us", "you_told_us"),
            ("so_we", "so_we"),
            ("see_all", "you_said_see_all"),
            ("intro", "you_said_intro"),
            ("none_yet", "you_said_none_yet"),
            ("back", "you_said_back"),
        )
    }
    words = {field: text for field, text in found.items() if text is not None}
    if len(words) < len(found):
        return None
    return ChildWords(**words)
