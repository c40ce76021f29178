"""Immutable survey definitions, as loaded and validated from YAML."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

CHILD = "child"
PRACTITIONER = "practitioner"
# A case-file audit form: filled in by signed-in staff, one per case audited, never by a link.
AUDITOR = "auditor"
AUDIENCES = (CHILD, PRACTITIONER, AUDITOR)

# Answers a question can offer besides its own options; their ids are reserved.
DONT_KNOW = "dont_know"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
SPECIAL_OPTIONS = (DONT_KNOW, PREFER_NOT_TO_SAY)

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
FACE_SCALE = "face_scale"
SCALE = "scale"
YES_NO = "yes_no_not_sure"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
NUMBER = "number"
KINDS = (SINGLE_CHOICE, MULTIPLE_CHOICE, FACE_SCALE, SCALE, YES_NO, SHORT_TEXT, LONG_TEXT, NUMBER)
CHOICE_KINDS = (SINGLE_CHOICE, MULTIPLE_CHOICE, FACE_SCALE, SCALE, YES_NO)
TEXT_KINDS = (SHORT_TEXT, LONG_TEXT)


@dataclass(frozen=True)
class Text:
    """Words in several languages; English is always present."""

    translations: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "translations", MappingProxyType(dict(self.translations)))

    def get(self, language: str) -> str:
        """The words in language, falling back to English."""
        return self.translations.get(language) or self.translations["en"]

    @property
    def en(self) -> str:
        return self.translations["en"]

    @classmethod
    def english(cls, words: str) -> Text:
        return cls({"en": words})


class Direction(StrEnum):
    """Which way an option leans: the collapse that makes bands with different scales comparable."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


@dataclass(frozen=True)
class Option:
    id: str
    label: Text
    # Declared by the survey (or built in for the service's own faces); None when not declared.
    direction: Direction | None = None


@dataclass(frozen=True)
class ShowIf:
    """Show a question only when an earlier answer is one of any_of."""

    question: str
    any_of: tuple[str, ...]

    def matches(self, answers: Mapping[str, object]) -> bool:
        given = answers.get(self.question)
        if isinstance(given, list):
            return any(choice in self.any_of for choice in given)
        return given in self.any_of


@dataclass(frozen=True)
class Wording:
    """What changes for one age band: words, or the options of a scale."""

    text: Text | None = None
    hint: Text | None = None
    options: tuple[Option, ...] | None = None
    points: int | None = None


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: Text
    hint: Text | None = None
    required: bool = False
    options: tuple[Option, ...] = ()
    dont_know: bool = False
    prefer_not_to_say: bool = False
    show_if: ShowIf | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 1000
    bands: Mapping[str, Wording] = field(default_factory=dict)
    # Asked only at these waves (all waves when empty).
    waves: tuple[str, ...] = ()
    # A "looking back, how would you have rated yourself before?" version of another item.
    retrospective_of: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", MappingProxyType(dict(self.bands)))

    def asked_at(self, wave: str) -> bool:
        return not self.waves or not wave or wave in self.waves

    def for_band(self, band: str) -> Question:
        """This question as asked of a child in age band `band`."""
        wording = self.bands.get(band)
        if wording is None:
            return self
        return dataclasses.replace(
            self,
            text=wording.text or self.text,
            hint=wording.hint or self.hint,
            options=wording.options if wording.options is not None else self.options,
            bands={},
        )

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def is_text(self) -> bool:
        return self.kind in TEXT_KINDS

    def special_options(self) -> tuple[str, ...]:
        """The ids of "don't know" / "I'd rather not say", if offered."""
        offered = []
        if self.dont_know:
            offered.append(DONT_KNOW)
        if self.prefer_not_to_say:
            offered.append(PREFER_NOT_TO_SAY)
        return tuple(offered)

    def options_for_band(self, band: str) -> tuple[Option, ...]:
        """The options a child in age band `band` is shown (the question's own without bands)."""
        wording = self.bands.get(band)
        if wording is not None and wording.options is not None:
            return wording.options
        return self.options

    def scales(self) -> tuple[tuple[str, ...], ...]:
        """Every distinct set of options this question shows: one per band that has its own."""
        seen: list[tuple[str, ...]] = []
        for options in (self.options, *(w.options for w in self.bands.values() if w.options)):
            ids = tuple(option.id for option in options)
            if ids not in seen:
                seen.append(ids)
        return tuple(seen)

    @property
    def has_directions(self) -> bool:
        """True when every option, in every band, declares which way it leans."""
        lists = [self.options, *(w.options for w in self.bands.values() if w.options)]
        return bool(self.options) and all(o.direction is not None for ol in lists for o in ol)

    @property
    def scales_differ_by_band(self) -> bool:
        """True when some band is shown other options, or other words, than the rest.

        Such a question is counted and published per band: its figures across bands go only
        through the declared directions ("% positive").
        """
        return len(self.scales()) > 1 or any(
            wording.options is not None and wording.options != self.options
            for wording in self.bands.values()
        )

    def direction(self, option_id: str, band: str = "") -> Direction | None:
        """Which way option_id leans for a child in `band`; None if undeclared or "don't know".

        "Don't know" and "I'd rather not say" are apart: they lean neither way and are left out
        of the base of a "% positive".
        """
        if option_id in SPECIAL_OPTIONS:
            return None
        for option in self.options_for_band(band):
            if option.id == option_id:
                return option.direction
        return None

    def all_option_ids(self) -> tuple[str, ...]:
        """Every option id this question can record, across all age bands."""
        ids = [option.id for option in self.options]
        for wording in self.bands.values():
            for option in wording.options or ():
                if option.id not in ids:
                    ids.append(option.id)
        return tuple(ids) + self.special_options()


@dataclass(frozen=True)
class Page:
    id: str
    questions: tuple[Question, ...]
    title: Text | None = None


@dataclass(frozen=True)
class Wave:
    """One round of a before/after survey, e.g. meeting one and meeting four."""

    id: str
    label: Text


@dataclass(frozen=True)
class AgeBand:
    id: str
    label: Text


# Safe floors for publishing numbers about children: a survey may be stricter, never looser.
FLOOR_MINIMUM_BASE = 10
FLOOR_SUPPRESS_BELOW = 8
FLOOR_ROUND_TO = 5


@dataclass(frozen=True)
class DisclosureSettings:
    """How this survey's numbers are published (checked against the safe floors at load)."""

    minimum_base: int = FLOOR_MINIMUM_BASE
    suppress_below: int = FLOOR_SUPPRESS_BELOW
    round_to: int = FLOOR_ROUND_TO


class PeriodKind(StrEnum):
    """How long one fixed publication period of a survey lasts."""

    DAY = "day"  # for trials only: figures the day after
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True)
class PublicationSettings:
    """The fixed periods this survey's figures are published for: each period's responses are
    shown only once it has closed, `closes_after_days` whole days after it ended."""

    period: PeriodKind = PeriodKind.QUARTER
    closes_after_days: int = 14


@dataclass(frozen=True)
class AnonymisationSettings:
    """What the free-text anonymiser removes beyond personal data it always removes."""

    redact_locations: bool = False


@dataclass(frozen=True)
class SurveyDefinition:
    id: str
    version: int
    audience: str
    title: Text
    introduction: Text
    thank_you: Text
    languages: tuple[str, ...]
    pages: tuple[Page, ...]
    privacy: Text | None = None
    age_bands: tuple[AgeBand, ...] = ()
    waves: tuple[Wave, ...] = ()
    minutes: int = 3
    card_line: Text | None = None
    interface: Mapping[str, Text] = field(default_factory=dict)
    disclosure: DisclosureSettings = field(default_factory=DisclosureSettings)
    publication: PublicationSettings = field(default_factory=PublicationSettings)
    anonymisation: AnonymisationSettings = field(default_factory=AnonymisationSettings)
    source_path: str = ""
    source: str = ""
    checksum: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "interface", MappingProxyType(dict(self.interface)))

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for page in self.pages for question in page.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def is_for_children(self) -> bool:
        return self.audience == CHILD

    def band_ids(self) -> tuple[str, ...]:
        return tuple(band.id for band in self.age_bands)

    def wave_ids(self) -> tuple[str, ...]:
        return tuple(wave.id for wave in self.waves)

    def is_first_wave(self, wave: str) -> bool:
        return bool(self.waves) and wave == self.waves[0].id

    def is_last_wave(self, wave: str | None) -> bool:
        """Whether wave is the survey's last round (no later meeting to bring a code to)."""
        return bool(self.waves) and len(self.waves) > 1 and wave == self.waves[-1].id
