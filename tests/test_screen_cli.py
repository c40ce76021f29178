"""`survey-app screen`: JSON lines in, the same lines out with the screen's level and reasons."""

from __future__ import annotations

import json

from click.testing import CliRunner

from survey_app.cli import main

ANSWERS = [
    {"id": "a1", "source": "child", "text": "dad hits me wiv his belt wen i dont do wat he sez"},
    {"id": "a2", "text": "it was boring and way too long", "batch": 7},
    {"id": "a3", "source": "practitioner", "text": "Confidence talking about sexual abuse: 4/5."},
    {"id": "a4", "source": "child", "text": "i dont want to be here anymore"},
]


def run(stdin: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(main, ["screen"], input=stdin)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, rows, result.stderr


def lines(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def test_each_line_comes_back_with_its_screen_and_reasons_and_its_other_keys() -> None:
    code, rows, _ = run(lines(ANSWERS) + "\n")

    assert code == 0
    assert [row["id"] for row in rows] == ["a1", "a2", "a3", "a4"]
    assert [row["screen"] for row in rows] == ["alert", "none", "none", "review"]
    assert rows[0]["reasons"] == ["physical harm to a child"]
    assert rows[1]["reasons"] == [] and rows[1]["batch"] == 7
    assert rows[0]["text"] == ANSWERS[0]["text"] and rows[0]["source"] == "child"


def test_a_bad_line_is_reported_with_its_number_and_the_others_are_still_screened() -> None:
    stdin = lines(ANSWERS[:1]) + "not json\n" + '{"body": "x"}\n[1, 2]\n' + lines(ANSWERS[3:])
    code, rows, errors = run(stdin)

    assert code != 0
    assert [row["id"] for row in rows] == ["a1", "a4"]
    assert "line 2 is not JSON" in errors
    assert 'line 3 has no "text" string' in errors
    assert "line 4 is not a JSON object" in errors
    assert "3 lines could not be screened" in errors


def test_an_unknown_source_is_refused_and_the_error_never_quotes_the_answer() -> None:
    secret = "he touches me when mum is out"
    code, rows, errors = run(lines([{"text": secret, "source": "neighbour"}]))

    assert code != 0 and rows == []
    assert 'line 1 has an unknown "source"' in errors
    assert secret not in errors


def test_a_line_that_is_not_utf8_is_reported_and_the_next_is_screened() -> None:
    result = CliRunner().invoke(
        main, ["screen"], input=b'{"text": "\xff\xfe"}\n{"text": "i want to die"}\n'
    )

    assert result.exit_code != 0
    assert "line 1 is not UTF-8" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["screen"] == "alert"
