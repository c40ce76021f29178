"""Tests for the first-pass redaction of emails, phone numbers and postcodes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.privacy.redaction import Redaction, Span, redact


def _only_redaction(text: str) -> Span:
    result = redact(text)
    assert len(result.spans) == 1, result
    return result.spans[0]


PHONES = [
    "07700 900412",
    "07700900412",
    "07700 900 412",
    "07700-900-412",
    "+44 7700 900412",
    "+447700900412",
    "+44 (0)7700 900412",
    "0044 7700 900412",
    "0044 (0) 7700 900 412",
    "44 7700 900412",
    "(01473) 123456",
    "01473 123 456",
    "01473123456",
    "020 7946 0018",
    "(020) 7946 0018",
    "0161 496 0000",
    "01632 960123",
    "0800 1111",
    "0808 800 5000",
    "07700_900412",
    "0 7 7 0 0 9 0 0 4 1 2",
]


@pytest.mark.parametrize("phone", PHONES)
def test_a_uk_phone_number_in_any_common_format_is_redacted(phone: str) -> None:
    result = redact(f"you can ring me on {phone} after school")

    assert result.text == "you can ring me on [PHONE] after school"


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_number_is_redacted_on_its_own_and_next_to_punctuation(phone: str) -> None:
    assert redact(phone).text == "[PHONE]"
    assert redact(f"({phone}).").text == "([PHONE])."


def test_childline_is_redacted_like_any_other_number() -> None:
    assert redact("I rang Childline on 0800 1111").text == "I rang Childline on [PHONE]"


EMAILS = [
    "jo@example.com",
    "Jo.Bloggs@example.co.uk",
    "jo.bloggs+survey@mail.example.org",
    "jo_bloggs-99@sub.example-school.sch.uk",
    "JO@EXAMPLE.COM",
]


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_address_is_redacted(email: str) -> None:
    assert redact(f"email me: {email}, thanks").text == "email me: [EMAIL], thanks"


POSTCODES = ["IP2 9XX", "ip29aa", "IP1 2AB", "SW1A 1AA", "m1 1ae", "M11AE", "B33 8TH", "EC1A 1BB"]


@pytest.mark.parametrize("postcode", POSTCODES)
def test_a_full_postcode_in_any_case_with_or_without_the_space_is_redacted(
    postcode: str,
) -> None:
    assert redact(f"I live at {postcode} now.").text == "I live at [POSTCODE] now."


@pytest.mark.parametrize("partial", ["ip2 9x", "IP2", "SW1A", "ip2 9", "m1"])
def test_a_partial_postcode_is_left_alone(partial: str) -> None:
    assert redact(f"near {partial} I think") == Redaction(f"near {partial} I think", ())


NOT_PERSONAL = [
    "I am 12",
    "I am 12 years old and my brother is 9",
    "It happened in 2024",
    "from 2019 to 2024",
    "at 3pm",
    "at 15:30 on 12/03/2024",
    "they gave me £20",
    "they gave me £1,000",
    "I scored 12345 points",
    "room 101",
    "year 7",
    "1 2 3 4 5",
    "page 20240101",
    "level 5000000",
    "I gave it 10/10",
    "",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_ordinary_numbers_are_not_redacted(text: str) -> None:
    assert redact(text) == Redaction(text, ())


def test_several_kinds_in_one_answer_are_all_redacted_in_place() -> None:
    text = "Mum is jo@example.com, 07700 900412, IP2 9XX. I am 12."

    result = redact(text)

    assert result.text == "Mum is [EMAIL], [PHONE], [POSTCODE]. I am 12."
    assert [span.label for span in result.spans] == ["EMAIL", "PHONE", "POSTCODE"]


def test_spans_point_at_the_original_text() -> None:
    text = "call 07700 900412 or write to jo@example.com at SW1A 1AA"

    spans = redact(text).spans

    assert [(text[s.start : s.end], s.label) for s in spans] == [
        ("07700 900412", "PHONE"),
        ("jo@example.com", "EMAIL"),
        ("SW1A 1AA", "POSTCODE"),
    ]


def test_a_phone_number_inside_an_email_address_is_redacted_once_as_an_email() -> None:
    text = "07700900412@example.com"

    result = redact(text)

    assert result.text == "[EMAIL]"
    assert result.spans == (Span(0, len(text), "EMAIL"),)


def test_a_postcode_run_straight_onto_a_phone_number_is_redacted_too() -> None:
    text = "07700900412IP2 9XX"

    result = redact(text)

    assert result.text == "[PHONE][POSTCODE]"
    assert [text[s.start : s.end] for s in result.spans] == ["07700900412", "IP2 9XX"]


def test_brackets_around_a_phone_number_are_kept() -> None:
    assert redact("my mum (07700 900412) said").text == "my mum ([PHONE]) said"


@pytest.mark.parametrize(
    "text",
    [
        "Mum is jo@example.com, 07700 900412, IP2 9XX. I am 12.",
        "[PHONE] [EMAIL] [POSTCODE]",
        "nothing personal here",
    ],
)
def test_redacting_already_redacted_text_changes_nothing(text: str) -> None:
    once = redact(text)

    twice = redact(once.text)

    assert twice == Redaction(once.text, ())


def test_a_long_answer_with_no_email_is_left_as_it_is() -> None:
    # Its speed is measured in bench/long_answers.py (a pattern that backtracks would stall here).
    text = "a" * 50_000 + " 1" * 5_000

    result = redact(text)

    assert result.text == text


_PIECES = st.one_of(
    st.sampled_from(PHONES + EMAILS + POSTCODES + NOT_PERSONAL),
    st.sampled_from(["[PHONE]", "[EMAIL]", "[POSTCODE]", "@", "+", "0", "(", ")", "."]),
    st.text(alphabet="0123456789 +()-._@abcIPSWM\n", max_size=20),
    st.text(max_size=10),
)
_ANSWERS = st.lists(_PIECES, max_size=12).flatmap(
    lambda pieces: st.sampled_from(["", " ", "\n", ", ", "-"]).map(lambda sep: sep.join(pieces))
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_redaction_never_fails_on_any_text(text: str) -> None:
    result = redact(text)

    assert isinstance(result.text, str)


@settings(max_examples=500, deadline=None)
@given(_ANSWERS)
def test_redacted_text_never_contains_anything_the_detector_would_find_again(text: str) -> None:
    result = redact(text)

    assert redact(result.text) == Redaction(result.text, ())


@settings(max_examples=300, deadline=None)
@given(_ANSWERS)
def test_spans_are_ordered_separate_and_rebuild_the_redacted_text(text: str) -> None:
    result = redact(text)

    rebuilt: list[str] = []
    position = 0
    for span in result.spans:
        assert position <= span.start < span.end <= len(text)
        rebuilt.append(text[position : span.start] + f"[{span.label}]")
        position = span.end
    rebuilt.append(text[position:])
    assert "".join(rebuilt) == result.text


@pytest.mark.parametrize(
    ("label", "marker"),
    [
        ("PERSON", "[NAME]"),
        ("DATE_OF_BIRTH", "[DOB]"),
        ("LOCATION", "[PLACE]"),
        ("PHONE", "[PHONE]"),
    ],
)
def test_each_kind_of_detail_has_a_marker_a_reader_understands(label: str, marker: str) -> None:
    from survey_app.privacy.redaction import placeholder

    assert placeholder(label) == marker
