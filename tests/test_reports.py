"""Report pages: charts with text alternatives and data tables, only from protected figures."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from collections.abc import Callable, Iterable
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from survey_app.answers import option_label
from survey_app.db import Database
from survey_app.models import Distribution, Publication, SurveyResponse, User
from survey_app.privacy.disclosure import DisclosureRules
from survey_app.reports import REGION, charts
from tests.cellkeys import within_spread
from tests.conftest import sign_in
from tests.programmes import ITEM, SHIPPED, run_programme
from tests.submissions import submit

REPORT = "/facilitator/surveys/{}/report"


@pytest.fixture
def app_settings() -> dict[str, Any]:
    return {"SURVEY_DIR": str(SHIPPED)}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The shipped surveys on SQLite, and again on PostgreSQL."""
    return app_each_db


class Tables(HTMLParser):
    """The data tables of a page: caption -> rows of cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._in: str | None = None
        self._rows: list[list[str]] = []
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("caption", "td", "th"):
            self._in, self._text = tag, ""
        elif tag == "tr":
            self._rows.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._caption, self._rows = self._text.strip(), []
        elif tag in ("td", "th") and self._rows:
            self._rows[-1].append(self._text.strip())
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption] = self._rows
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def norfolk_programme_and_sign_in(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    worker: Callable[[], None],
) -> None:
    """40 Norfolk practitioners at both meetings (8/16/16 rated 1/2/3, then each one higher),
    all looking back at 1; a facilitator signed in."""
    before = [1] * 8 + [2] * 16 + [3] * 16
    after = [2] * 8 + [3] * 16 + [4] * 16
    run_programme(app, "Norfolk", before, after, [1] * 40)
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")


def test_the_practitioner_report_has_charts_words_and_tables(app, client, make_user, worker):
    norfolk_programme_and_sign_in(app, client, make_user, worker)

    page = client.get(REPORT.format("practitioner-skills"))

    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 3
    assert all('role="img"' in svg for svg in svgs)
    # No inline styles anywhere in the charts: the CSP forbids them.
    assert ' style="' not in html and "<style" not in html
    tables = tables_of(html)
    ratings = tables["How would you rate your knowledge of children's rights?"]
    header, *rows = ratings
    assert header == ["Group", "Answer", "Count", "Percent", "Base"]
    meeting_one = {r[1]: r for r in rows if r[0] == "Meeting one"}
    # 40 ratings at meeting one: 8, 16 and 16, each perturbed by its cell key,
    # then hidden below 8 or rounded to 5; percentages from the rounded counts and base shown,
    # never from the exact ones.
    assert within_spread(meeting_one["Very limited"][2], 8)
    assert within_spread(meeting_one["Limited"][2], 16)
    assert within_spread(meeting_one["Excellent"][2], 0)
    rules = DisclosureRules()
    for _, _, count, percent, base in meeting_one.values():
        if count.isdigit():
            assert percent == rules.percent(int(count), int(base))
    change_caption = next(c for c in tables if c.startswith("Change from"))
    change_rows = {r[0]: r for r in tables[change_caption][1:]}
    assert change_rows[ITEM][1] == "40"  # pairs
    assert change_rows[ITEM][4:7] == ["40", "0", "0"]  # improved, same, worse
    assert "Typical change per person" in html
    assert "Chart in words" in html
    assert "Responses each month" in html


def test_the_report_downloads_as_a_tagged_a4_pdf_with_its_words_and_tables(
    app, client, make_user, database, worker
):
    norfolk_programme_and_sign_in(app, client, make_user, worker)
    page = client.get(REPORT.format("practitioner-skills") + "?council=Norfolk")
    assert 'report.pdf?council=Norfolk">This report as a PDF' in page.get_data(as_text=True)

    answer = client.get(REPORT.format("practitioner-skills") + ".pdf?council=Norfolk")

    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="practitioner-skills-report-norfolk.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(answer.data))
    assert len(reader.pages) >= 2
    for sheet in reader.pages:  # A4 portrait, in points
        assert (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height))) == (
            595,
            842,
        )
    text = " ".join(" ".join(sheet.extract_text().split()) for sheet in reader.pages)
    assert "Norfolk" in text
    assert "How would you rate your knowledge of children" in text
    assert "Meeting one: Very limited" in text  # the chart in words (perturbed shares)
    assert "Typical change per person" in text
    assert "Sign out" not in text and "Show the report for" not in text  # screen-only parts
    # Tagged for screen readers, in English.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    # Published like the page: recorded in the ledger.
    with database.session() as session:
        scopes = session.scalars(select(Publication.scope)).all()
    assert sum(scope.startswith("Norfolk") for scope in scopes) >= 2


def test_without_weasyprint_the_pdf_link_says_to_print_the_page_instead(
    app, client, make_user, worker, monkeypatch
):
    run_programme(app, "Norfolk", [2] * 12, [3] * 12)
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed

    answer = client.get(REPORT.format("practitioner-skills") + ".pdf")

    assert answer.status_code == 503
    assert "Print the report page from your browser instead" in answer.get_data(as_text=True)
    assert "Back to the report" in answer.get_data(as_text=True)


def test_a_report_for_too_small_a_council_shows_nothing_but_that(app, client, make_user, worker):
    run_programme(app, "Norfolk", [2, 3, 3], [3, 3, 4])
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")

    html = client.get(REPORT.format("practitioner-skills") + "?council=Norfolk").get_data(
        as_text=True
    )

    assert "fewer than 10 responses" in html
    assert "<svg" not in html


def child_distribution(app: Flask, council: str) -> Distribution:
    from survey_app import operations

    with app.extensions["database"].session() as session:
        made = operations.create_distribution(
            session, "child-cp-conference", council, "CP conferences"
        )
        session.commit()
        return made


def test_the_child_report_breaks_down_by_age_band_with_disclosure(
    app, client, make_user, database, worker
):
    definition = app.extensions["surveys"]["child-cp-conference"]
    question = next(q for q in definition.questions if q.kind == "face_scale")
    older = child_distribution(app, "Suffolk")
    options = [o.id for o in question.for_band("12-17").options]
    for number in range(24):
        submit(app, older, age_band="12-17", **{question.id: options[number % 2]})
    for _ in range(4):  # too few younger children to show on their own
        submit(app, older, age_band="8-11", **{question.id: options[0]})
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")

    page = client.get(REPORT.format("child-cp-conference") + "?council=Suffolk")

    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    rows = tables_of(html)[question.text.en][1:]
    groups = {row[0] for row in rows}
    assert "Suffolk" in groups
    # 24 older children is enough; but the 12-17 group differs from the council's 28 by only
    # the 4 younger children, so it is not shown either, and the page says why: too close to
    # figures already published, never by how much (that is the 4 children's number).
    assert "Suffolk, aged 12-17" not in groups
    assert "too close to figures already published" in html
    assert "4 responses" not in html
    assert "fewer than 10 responses" in html  # the 8-11 group
    with database.session() as session:
        scopes = session.scalars(select(Publication.scope)).all()
    assert not any("aged" in scope for scope in scopes)


def date_responses(database: Database, ids: Iterable[int], day: dt.date) -> None:
    with database.session() as session:
        session.execute(
            update(SurveyResponse).where(SurveyResponse.id.in_(ids)).values(submitted_on=day)
        )
        session.commit()


def test_the_child_report_counts_bands_and_months_of_exactly_the_published_group(
    app, client, make_user, database, worker
):
    """Bands and months come from the precomputed totals while they count exactly the group
    shown, and from the responses themselves once new ones are held back: the same figures."""
    definition = app.extensions["surveys"]["child-cp-conference"]
    question = next(q for q in definition.questions if q.kind == "face_scale")
    older_options = [o.id for o in question.for_band("12-17").options]
    younger_options = [o.id for o in question.for_band("8-11").options]
    suffolk = child_distribution(app, "Suffolk")
    older = [
        submit(app, suffolk, age_band="12-17", **{question.id: older_options[n % 3 != 0]})
        for n in range(30)
    ]  # 10 of the first option, 20 of the second
    younger = [
        submit(app, suffolk, age_band="8-11", **{question.id: younger_options[n % 2]})
        for n in range(20)
    ]
    norfolk = [
        submit(app, child_distribution(app, "Norfolk"), **{question.id: older_options[0]})
        for _ in range(10)
    ]
    date_responses(database, older[:15] + younger[:10], dt.date(2026, 1, 15))
    date_responses(database, older[15:] + younger[10:] + norfolk, dt.date(2026, 2, 3))
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")
    bands = {band.id: band.label.en for band in definition.age_bands}
    older_label, younger_label = f"Suffolk, aged {bands['12-17']}", f"Suffolk, aged {bands['8-11']}"
    first_option = option_label(question, older_options[0])
    second_option = option_label(question, older_options[1])

    def figures() -> tuple[dict[tuple[str, str], str], dict[str, str], dict[str, str]]:
        html = client.get(REPORT.format("child-cp-conference") + "?council=Suffolk").get_data(
            as_text=True
        )
        tables = tables_of(html)
        counts = {(row[0], row[1]): row[2] for row in tables[question.text.en][1:]}
        months = {row[0]: row[1] for row in tables["Responses each month (Suffolk)"][1:]}
        region = client.get(REPORT.format("child-cp-conference")).get_data(as_text=True)
        region_months = {
            row[0]: row[1] for row in tables_of(region)[f"Responses each month ({REGION})"][1:]
        }
        return counts, months, region_months

    counts, months, region_months = figures()
    # Each figure is its exact count perturbed by its cell key, then hidden or rounded.
    assert within_spread(counts[(older_label, first_option)], 10)
    assert within_spread(counts[(older_label, second_option)], 20)
    assert within_spread(counts[(younger_label, option_label(question, younger_options[0]))], 10)
    assert set(months) == {"2026-01", "2026-02"} and set(region_months) == set(months)
    assert within_spread(months["2026-01"], 25) and within_spread(months["2026-02"], 25)
    assert within_spread(region_months["2026-01"], 25)
    assert within_spread(region_months["2026-02"], 35)
    # The region's January is Suffolk's January (Norfolk answered in February): the same
    # responses, so the same keys and the same figure.
    assert region_months["2026-01"] == months["2026-01"]

    # 5 more older children in March: too few to release, so the same group is shown again,
    # now counted from the responses themselves (the totals include the new ones).
    late = [
        submit(app, suffolk, age_band="12-17", **{question.id: older_options[0]}) for _ in range(5)
    ]
    date_responses(database, late, dt.date(2026, 3, 1))
    worker()

    assert figures() == (counts, months, region_months)


def test_charts_say_hidden_segments_in_their_words_not_only_colour() -> None:
    bars = [
        charts.Bar("Meeting one", (charts.Segment("Low", 40.0), charts.Segment("High", None))),
    ]

    svg = charts.stacked_bars("Ratings", bars)

    assert svg.startswith("<svg") and "<title>Ratings</title>" in svg
    assert "Not shown (small numbers)" in svg
    assert "style=" not in svg


def test_the_child_report_draws_a_multiple_choice_question_as_one_bar_per_answer_in_words(
    app, client, make_user, worker
):
    definition = app.extensions["surveys"]["child-cp-conference"]
    suffolk = child_distribution(app, "Suffolk")
    for number in range(30):  # everyone didn't know; 20 of them also had school
        chosen = ["didnt_know", "school_time"] if number < 20 else ["didnt_know"]
        submit(app, suffolk, went_to_meeting="no", why_not_there=chosen)
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")

    html = client.get(REPORT.format("child-cp-conference") + "?council=Suffolk").get_data(
        as_text=True
    )

    figure = re.search(r'<figure[^>]*id="chart-\d+-why_not_there".*?</figure>', html, re.S)
    assert figure is not None, html
    words = [unescape(w) for w in re.findall(r"<text[^>]*>([^<]*)</text>", figure.group(0))]
    # 100% and 67%: the answers add up to more than 100%, and the chart says why.
    # 100% and about two thirds (20, perturbed by its cell key): more than 100% in all, and
    # the chart says why.
    assert "100%" in words
    assert any("could choose more than one" in w for w in words)
    assert "I didn't know about it 100%, It was at school time " in unescape(figure.group(0))
    # Every chart on the page speaks in question and option words, never ids.
    ids = {q.id for q in definition.questions} | {
        option for q in definition.questions for option in q.all_option_ids()
    }
    drawn = [unescape(w) for w in re.findall(r"<text[^>]*>([^<]*)</text>", html)]
    assert drawn and not [w for w in drawn if w.strip() in ids or "_" in w]
