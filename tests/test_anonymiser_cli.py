"""`survey-app redact`: JSON lines in, the same lines out with the redaction and its spans."""

from __future__ import annotations

import json

from click.testing import CliRunner

from survey_app.cli import main

ANSWERS = [
    {"id": "a1", "source": "child", "text": "me and Tiwa rang 07700 900412 from Ipswich 🙏"},
    {"id": "a2", "text": "It was fine."},
    {"id": "a3", "text": "Email jo.b@example.org, Flat 2, 9 Lark Rise, IP2 9XX"},
]


def redact(lines: list[dict[str, object]], *options: str) -> list[dict[str, object]]:
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines) + "\n"
    result = CliRunner().invoke(main, ["redact", *options], input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_each_line_comes_back_with_its_redaction_and_its_other_keys() -> None:
    rows = redact(ANSWERS)

    assert [row["id"] for row in rows] == ["a1", "a2", "a3"]
    assert rows[0]["source"] == "child"
    assert rows[0]["text"] == ANSWERS[0]["text"]
    assert rows[0]["redacted"] == "me and [NAME] rang [PHONE] from Ipswich 🙏"
    assert rows[1]["redacted"] == "It was fine." and rows[1]["spans"] == []
    assert rows[2]["redacted"] == "Email [EMAIL], [ADDRESS], [POSTCODE]"


def test_spans_are_on_the_original_text_and_include_towns_left_in() -> None:
    row = redact(ANSWERS[:1])[0]
    text = row["text"]
    assert isinstance(text, str)

    found = [(text[s["start"] : s["end"]], s["label"]) for s in row["spans"]]  # type: ignore[union-attr]

    assert found == [("Tiwa", "PERSON"), ("07700 900412", "PHONE"), ("Ipswich", "LOCATION")]


def test_redact_locations_replaces_towns_too() -> None:
    row = redact(ANSWERS[:1], "--redact-locations")[0]

    assert row["redacted"] == "me and [NAME] rang [PHONE] from [PLACE] 🙏"


def test_a_line_without_text_is_refused_with_its_line_number() -> None:
    result = CliRunner().invoke(main, ["redact"], input='{"text": "ok"}\n{"body": "x"}\n')

    assert result.exit_code != 0
    assert "line 2" in result.output
