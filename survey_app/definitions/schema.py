"""The YAML format of a survey, as marshmallow schemas that load into immutable definitions.

Over 400 lines on purpose: the whole YAML format in one place, one schema per part of a survey,
so an author's question about a field has one file to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from . import model
from .model import (
    CHOICE_KINDS,
    FACE_SCALE,
    KINDS,
    MULTIPLE_CHOICE,
    SCALE,
    SHORT_TEXT,
    SINGLE_CHOICE,
    SPECIAL_OPTIONS,
    TEXT_KINDS,
    YES_NO,
    AgeBand,
    Direction,
    Option,
    Page,
    Question,
    ShowIf,
    SurveyDefinition,
    Text,
    Wording,
)
from .words import ALL_WORDS, YES_NO_NOT_SURE, face_options, options_from_pairs

IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
identifier = validate.Regexp(
    IDENTIFIER,
    error="Use lower-case letters, digits, '-' and '_' (starting with a letter or digit).",
)


class TextField(fields.Field):
    """Words: a plain string (English) or a mapping of language code to words, English required."""

    english_required = True

    default_error_messages = {
        "invalid": "Give words as a string or as a mapping of language code to words.",
        "english": "An English ('en') version is required.",
        "empty": "Words must not be empty.",
        "language": "'{code}' is not a language code (use e.g. en, cy, pl, ar).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Text:
        if isinstance(value, str):
            value = {"en": value}
        if not isinstance(value, dict) or not all(
            isinstance(key, str) and isinstance(words, str) for key, words in value.items()
        ):
            raise self.make_error("invalid")
        for code in value:
            if not LANGUAGE_CODE.match(code):
                raise self.make_error("language", code=code)
        if "en" not in value and self.english_required:
            raise self.make_error("english")
        if any(not words.strip() for words in value.values()):
            raise self.make_error("empty")
        return Text({code: words.strip() for code, words in value.items()})

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return dict(value.translations) if value is not None else None


class ServiceWordsField(TextField):
    """A translation of one of the service's own words: English comes from the service."""

    english_required = False


class StrictBoolean(fields.Boolean):
    """true or false only, as YAML 1.2 and the JSON Schema say: never yes/no/on/off or 1/0.

    A survey author who writes `required: no` may mean the word; one spelling keeps `check`,
    the JSON Schema and editors in agreement about what the file says.
    """

    default_error_messages = {"invalid": "Use true or false (not {input!r})."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class OptionSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    label = TextField(required=True)
    # Which way the option leans; needed when a band reuses an option id with other words, so
    # figures across bands compare only as "% positive" (see QuestionSchema._reused_ids).
    direction = fields.String(validate=validate.OneOf([str(d) for d in Direction]))

    @validates_schema(skip_on_field_errors=False)
    def _not_reserved(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("id") in SPECIAL_OPTIONS:
            raise ValidationError(
                f"'{data['id']}' is reserved: set dont_know or prefer_not_to_say instead.", "id"
            )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Option:
        direction = data.get("direction")
        return Option(data["id"], data["label"], Direction(direction) if direction else None)


class ShowIfSchema(StrictSchema):
    question = fields.String(required=True)
    any_of = fields.List(fields.String(), required=True, validate=validate.Length(min=1))

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> ShowIf:
        return ShowIf(data["question"], tuple(data["any_of"]))


class WordingSchema(StrictSchema):
    text = TextField()
    hint = TextField()
    options = fields.List(fields.Nested(OptionSchema))
    points = fields.Integer(validate=validate.OneOf([3, 5]))

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Wording:
        options = data.get("options")
        if options is None and "points" in data:
            options = face_options(data["points"])
        return Wording(
            text=data.get("text"),
            hint=data.get("hint"),
            options=tuple(options) if options is not None else None,
            points=data.get("points"),
        )


class QuestionSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    text = TextField(required=True)
    hint = TextField()
    required = StrictBoolean(load_default=False)
    options = fields.List(fields.Nested(OptionSchema))
    points = fields.Integer(validate=validate.OneOf([3, 5]))
    dont_know = StrictBoolean(load_default=False)
    prefer_not_to_say = StrictBoolean(load_default=False)
    show_if = fields.Nested(ShowIfSchema)
    min = fields.Integer()
    max = fields.Integer()
    max_length = fields.Integer(validate=validate.Range(min=1, max=5000))
    bands = fields.Dict(keys=fields.String(), values=fields.Nested(WordingSchema))
    waves = fields.List(fields.String(validate=identifier), validate=validate.Length(min=1))
    retrospective_of = fields.String(validate=identifier)

    # Run beside field errors, so that one `check` reports everything; whatever failed to load
    # is reported already and left out of these checks (see _failed).
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _kind_fits(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        failed = _failed(data, original)
        if "kind" in failed:
            return
        kind = data.get("kind")
        options = data.get("options")
        if "options" in failed:
            options = None
        errors: dict[str, list[str]] = {}
        if kind in (SINGLE_CHOICE, MULTIPLE_CHOICE) and not options and "options" not in failed:
            errors["options"] = [f"A {kind} question needs at least two options."]
        if options:
            if kind not in CHOICE_KINDS:
                errors["options"] = [f"A {kind} question has no options."]
            elif kind in (SINGLE_CHOICE, MULTIPLE_CHOICE) and len(options) < 2:
                errors["options"] = [f"A {kind} question needs at least two options."]
            ids = [option.id for option in options]
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            if duplicates:
                errors["options"] = [f"Duplicate option id: {', '.join(duplicates)}."]
        if kind == FACE_SCALE:
            if "points" in failed:
                pass
            elif "points" not in data:
                errors["points"] = ["A face_scale needs points: 3 or 5."]
            elif options and len(options) != data["points"]:
                errors["options"] = [f"A {data['points']}-point face scale needs that many faces."]
        elif "points" in data:
            errors["points"] = ["Only a face_scale has points."]
        if kind == SCALE:
            for end in ("min", "max"):
                if end not in data and end not in failed:
                    errors[end] = ["A scale needs min and max."]
            if "min" in data and "max" in data:
                if not 1 <= data["max"] - data["min"] <= 10:
                    errors["max"] = ["A scale runs over 2 to 11 points (max above min)."]
                elif options and [o.id for o in options] != [
                    str(n) for n in range(data["min"], data["max"] + 1)
                ]:
                    errors["options"] = [
                        f"Scale options must have ids {data['min']} to {data['max']} in order."
                    ]
        if "min" in data and "max" in data and data["min"] > data["max"]:
            errors["min"] = ["min must not be above max."]
        if "max_length" in data and kind not in TEXT_KINDS:
            errors["max_length"] = ["Only a text question has max_length."]
        band_errors = self._band_problems(data)
        if band_errors:
            errors["bands"] = band_errors  # type: ignore[assignment]
        elif not errors and "options" not in failed and "bands" not in failed:
            errors.update(self._reused_ids(data))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _reused_ids(data: dict[str, Any]) -> dict[str, Any]:
        """An option id that means other words in another band needs directions everywhere.

        Counting by id would otherwise add a younger child's "Yes" to an older child's "Mostly";
        with directions declared, figures across bands are published only as "% positive".
        """
        written = data.get("options")
        base = written
        if base is None and data.get("kind") == FACE_SCALE and data.get("points") in (3, 5):
            base = face_options(data["points"])
        lists: list[tuple[str | None, tuple[Option, ...]]] = [(None, tuple(base or ()))]
        for band, wording in (data.get("bands") or {}).items():
            if isinstance(wording, Wording) and wording.options is not None:
                lists.append((band, wording.options))
        words: dict[str, tuple[str | None, Text]] = {}
        clash: list[tuple[str | None, int, str, str | None]] = []
        for band, options in lists:
            for index, option in enumerate(options):
                first = words.setdefault(option.id, (band, option.label))
                if first[1] != option.label:
                    clash.append((band, index, option.id, first[0]))
        problems: dict[str, Any] = {}

        def add(band: str | None, index: int, message: str) -> None:
            node = (
                problems.setdefault("options", {})
                if band is None
                else (
                    problems.setdefault("bands", {}).setdefault(band, {}).setdefault("options", {})
                )
            )
            node.setdefault(index, {}).setdefault("direction", []).append(message)

        if clash and not all(o.direction for _, options in lists for o in options):
            for band, index, option_id, other in clash:
                where = f"band '{other}'" if other else "the question's own options"
                add(
                    band,
                    index,
                    f"Option '{option_id}' has other words than in {where}: declare a direction "
                    "(negative, neutral or positive) on every option of this question, so its "
                    "figures across bands compare only as % positive.",
                )
            return problems
        # Options the author wrote (not the built-in faces) declare a direction on all or none.
        authored = [(None, tuple(written or ()))] + lists[1:]
        given = [o.direction is not None for _, options in authored for o in options]
        if any(given) and not all(given):
            for band, options in authored:
                for index, option in enumerate(options):
                    if option.direction is None:
                        add(band, index, "Declare a direction on every option, or on none.")
        return problems

    @staticmethod
    def _band_problems(data: dict[str, Any]) -> dict[str, list[str]]:
        """A band may change words, faces or options, but only in ways the kind allows."""
        kind = data.get("kind")
        problems: dict[str, list[str]] = {}
        for band, wording in (data.get("bands") or {}).items():
            if not isinstance(wording, Wording):
                continue  # its own problems are reported already
            if wording.points is not None and kind != FACE_SCALE:
                problems[band] = ["Only a face_scale has points."]
            elif wording.options is not None:
                count = len(wording.options)
                ids = [option.id for option in wording.options]
                if kind not in CHOICE_KINDS:
                    problems[band] = [f"A {kind} question has no options."]
                elif kind in (SINGLE_CHOICE, MULTIPLE_CHOICE) and count < 2:
                    problems[band] = [f"A {kind} question needs at least two options."]
                elif len(set(ids)) != count:
                    problems[band] = ["Duplicate option id."]
                elif kind == FACE_SCALE and wording.points and count != wording.points:
                    problems[band] = [f"A {wording.points}-point face scale needs that many faces."]
        return problems

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Question:
        kind = data["kind"]
        options = data.get("options")
        if not options:
            if kind == FACE_SCALE:
                options = face_options(data["points"])
            elif kind == YES_NO:
                options = options_from_pairs(YES_NO_NOT_SURE)
            elif kind == SCALE:
                points = range(data["min"], data["max"] + 1)
                options = tuple(Option(str(n), Text.english(str(n))) for n in points)
            else:
                options = ()
        default_length = 200 if kind == SHORT_TEXT else 1000
        return Question(
            id=data["id"],
            kind=kind,
            text=data["text"],
            hint=data.get("hint"),
            required=data["required"],
            options=tuple(options),
            dont_know=data["dont_know"],
            prefer_not_to_say=data["prefer_not_to_say"],
            show_if=data.get("show_if"),
            minimum=data.get("min"),
            maximum=data.get("max"),
            max_length=data.get("max_length", default_length),
            bands=data.get("bands") or {},
            waves=tuple(data.get("waves") or ()),
            retrospective_of=data.get("retrospective_of"),
        )


class PageSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    title = TextField()
    questions = fields.List(
        fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1)
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> Page:
        return Page(id=data["id"], questions=tuple(data["questions"]), title=data.get("title"))


class WaveSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    label = TextField(required=True)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> model.Wave:
        return model.Wave(**data)


class AgeBandSchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    label = TextField(required=True)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> AgeBand:
        return AgeBand(**data)


class DisclosureSchema(StrictSchema):
    minimum_base = fields.Integer(
        load_default=model.FLOOR_MINIMUM_BASE,
        validate=validate.Range(
            min=model.FLOOR_MINIMUM_BASE,
            error=f"must be at least {model.FLOOR_MINIMUM_BASE} (the safe floor)",
        ),
    )
    suppress_below = fields.Integer(
        load_default=model.FLOOR_SUPPRESS_BELOW,
        validate=validate.Range(
            min=model.FLOOR_SUPPRESS_BELOW,
            error=f"must be at least {model.FLOOR_SUPPRESS_BELOW} (the safe floor)",
        ),
    )
    round_to = fields.Integer(
        load_default=model.FLOOR_ROUND_TO,
        validate=validate.Range(
            min=model.FLOOR_ROUND_TO,
            error=f"must be at least {model.FLOOR_ROUND_TO} (the safe floor)",
        ),
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> model.DisclosureSettings:
        return model.DisclosureSettings(**data)


class PublicationSchema(StrictSchema):
    period = fields.String(
        load_default=model.PeriodKind.QUARTER.value,
        validate=validate.OneOf([kind.value for kind in model.PeriodKind]),
    )
    closes_after_days = fields.Integer(
        load_default=14,
        validate=validate.Range(min=0, max=92, error="must be a whole number of days from 0 to 92"),
    )

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> model.PublicationSettings:
        return model.PublicationSettings(
            model.PeriodKind(data["period"]), data["closes_after_days"]
        )


class AnonymisationSchema(StrictSchema):
    redact_locations = StrictBoolean(load_default=False)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> model.AnonymisationSettings:
        return model.AnonymisationSettings(**data)


class SurveySchema(StrictSchema):
    id = fields.String(required=True, validate=identifier)
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    audience = fields.String(required=True, validate=validate.OneOf(model.AUDIENCES))
    title = TextField(required=True)
    introduction = TextField(required=True)
    privacy = TextField()
    thank_you = TextField(required=True)
    languages = fields.List(
        fields.String(validate=validate.Regexp(LANGUAGE_CODE)), load_default=lambda: ["en"]
    )
    age_bands = fields.List(fields.Nested(AgeBandSchema), load_default=list)
    waves = fields.List(fields.Nested(WaveSchema), load_default=list)
    minutes = fields.Integer(load_default=3, validate=validate.Range(min=1, max=60))
    card_line = TextField()
    interface = fields.Dict(
        keys=fields.String(validate=validate.OneOf(sorted(ALL_WORDS))),
        values=ServiceWordsField(),
    )
    pages = fields.List(fields.Nested(PageSchema), required=True, validate=validate.Length(min=1))
    disclosure = fields.Nested(DisclosureSchema, load_default=model.DisclosureSettings)
    publication = fields.Nested(PublicationSchema, load_default=model.PublicationSettings)
    anonymisation = fields.Nested(AnonymisationSchema, load_default=model.AnonymisationSettings)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _consistent(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        errors: dict[str | int, Any] = {}
        failed = _failed(data, original)

        def add(path: tuple[str | int, ...], message: str) -> None:
            node = errors
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node.setdefault(path[-1], []).append(message)

        languages = data.get("languages", ["en"])
        if "en" not in languages:
            add(("languages",), "English ('en') must be one of the languages.")
        if len(set(languages)) != len(languages):
            add(("languages",), "A language is listed twice.")
        if data.get("audience") == model.CHILD and "privacy" not in {*data, *failed}:
            add(("privacy",), "A child survey must say what happens to answers before question 1.")
        if data.get("audience") == model.AUDITOR and data.get("age_bands"):
            add(("age_bands",), "An audit form has no age bands (staff fill it in).")
        band_ids = _ids(data.get("age_bands", []))
        if len(set(band_ids)) != len(band_ids):
            add(("age_bands",), "An age band id is used twice.")
        wave_ids = _ids(data.get("waves", []))
        if wave_ids:
            if data.get("audience") not in (model.PRACTITIONER, None):
                add(("waves",), "Only a practitioner survey has waves (children stay anonymous).")
            if len(wave_ids) < 2:
                add(("waves",), "A survey with waves needs at least two (before and after).")
            if len(set(wave_ids)) != len(wave_ids):
                add(("waves",), "A wave id is used twice.")

        pages = data.get("pages", [])
        seen_pages: set[str] = set()
        seen: dict[str, Question] = {}
        # A page or question that failed to load is a partial dict: its id still counts (so
        # nothing that names it is reported twice), but checks that need the rest skip it.
        seen_failed: set[str] = set()
        for page_index, page in enumerate(pages):
            page_path: tuple[str | int, ...] = ("pages", page_index)
            page_id = _id(page)
            if page_id is not None and page_id in seen_pages:
                add((*page_path, "id"), f"Duplicate page id '{page_id}'.")
            if page_id is not None:
                seen_pages.add(page_id)
            questions = page.get("questions") or [] if isinstance(page, dict) else page.questions
            if data.get("audience") == model.CHILD and len(questions) > 1:
                add((*page_path, "questions"), "A child survey asks one question per page.")
            on_this_page: dict[str, Question] = {}
            for index, question in enumerate(questions):
                path = (*page_path, "questions", index)
                question_id = _id(question)
                if question_id is not None and (
                    question_id in seen or question_id in on_this_page or question_id in seen_failed
                ):
                    add((*path, "id"), f"Duplicate question id '{question_id}'.")
                if not isinstance(question, Question):
                    if question_id is not None:
                        seen_failed.add(question_id)
                    continue
                for band in question.bands:
                    if band not in band_ids:
                        add((*path, "bands"), f"Unknown age band '{band}'.")
                for wave in question.waves:
                    if wave not in wave_ids:
                        add((*path, "waves"), f"Unknown wave '{wave}'.")
                if question.retrospective_of and question.retrospective_of not in seen_failed:
                    rated = seen.get(question.retrospective_of) or on_this_page.get(
                        question.retrospective_of
                    )
                    if rated is None:
                        add(
                            (*path, "retrospective_of"),
                            f"'{question.retrospective_of}' is not an earlier question.",
                        )
                    elif rated.kind != question.kind or rated.options != question.options:
                        add(
                            (*path, "retrospective_of"),
                            f"A look-back rating uses the same scale as '{rated.id}'.",
                        )
                condition = question.show_if
                if condition and condition.question not in seen_failed:
                    target = seen.get(condition.question)
                    if target is None:
                        where = (
                            "is on the same page"
                            if condition.question in on_this_page
                            else "is not an earlier question"
                        )
                        add(
                            (*path, "show_if", "question"),
                            f"show_if names '{condition.question}', which {where}.",
                        )
                    else:
                        allowed = target.all_option_ids()
                        unknown = [o for o in condition.any_of if o not in allowed]
                        if unknown:
                            add(
                                (*path, "show_if", "any_of"),
                                f"'{condition.question}' has no option {', '.join(unknown)}.",
                            )
                on_this_page[question.id] = question
            seen.update(on_this_page)

        if "en" in languages and "languages" not in failed:
            for path, text in _texts(data):
                extra = sorted(set(text.translations) - set(languages))
                if extra:
                    add(path, f"Language {', '.join(extra)} is not in the survey's languages.")
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make(self, data: dict[str, Any], **_: Any) -> SurveyDefinition:
        return SurveyDefinition(
            id=data["id"],
            version=data["version"],
            audience=data["audience"],
            title=data["title"],
            introduction=data["introduction"],
            thank_you=data["thank_you"],
            languages=tuple(data["languages"]),
            pages=tuple(data["pages"]),
            privacy=data.get("privacy"),
            age_bands=tuple(data["age_bands"]),
            waves=tuple(data["waves"]),
            minutes=data["minutes"],
            card_line=data.get("card_line"),
            interface={
                key: Text({"en": ALL_WORDS[key], **text.translations})
                for key, text in (data.get("interface") or {}).items()
            },
            disclosure=data["disclosure"],
            publication=data["publication"],
            anonymisation=data["anonymisation"],
        )


def _failed(data: dict[str, Any], original: Any) -> set[str]:
    """Keys given in the file that did not load (wholly or in part): reported as field errors."""
    if not isinstance(original, dict):
        return set()
    failed = {key for key in original if key not in data}
    for key, value in data.items():
        if (
            isinstance(value, list)
            and (
                not isinstance(original.get(key), list)
                or len(value) != len(original[key])
                or any(isinstance(item, dict) for item in value)
            )
            or isinstance(value, dict)
            and any(isinstance(item, dict) for item in value.values())
        ):
            failed.add(key)
    return failed


def _id(item: Any) -> str | None:
    """The id of a loaded item, or of one that failed to load but has a usable id."""
    found = item.get("id") if isinstance(item, dict) else item.id
    return found if isinstance(found, str) else None


def _ids(items: list[Any]) -> list[str]:
    return [found for found in map(_id, items) if found is not None]


def _texts(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    """Every piece of words in a loaded survey, with its path in the file."""
    for key in ("title", "introduction", "privacy", "thank_you", "card_line"):
        if isinstance(data.get(key), Text):
            yield (key,), data[key]
    for key, text in (data.get("interface") or {}).items():
        yield ("interface", key), text
    for index, band in enumerate(data.get("age_bands", [])):
        if isinstance(band, AgeBand):
            yield ("age_bands", index, "label"), band.label
    for index, wave in enumerate(data.get("waves", [])):
        if isinstance(wave, model.Wave):
            yield ("waves", index, "label"), wave.label
    for page_index, page in enumerate(data.get("pages", [])):
        if not isinstance(page, Page):
            continue
        if page.title:
            yield ("pages", page_index, "title"), page.title
        for index, question in enumerate(page.questions):
            path = ("pages", page_index, "questions", index)
            yield (*path, "text"), question.text
            if question.hint:
                yield (*path, "hint"), question.hint
            for option_index, option in enumerate(question.options):
                yield (*path, "options", option_index, "label"), option.label
            for band, wording in question.bands.items():
                for key in ("text", "hint"):
                    if getattr(wording, key):
                        yield (*path, "bands", band, key), getattr(wording, key)
                for option_index, option in enumerate(wording.options or ()):
                    yield (*path, "bands", band, "options", option_index, "label"), option.label
