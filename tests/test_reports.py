"""Report pages: charts with text alternatives and data tables, only from protected figures."""

from __future__ import annotations

import datetime as dt
import io
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from survey_app import periods
from survey_app.answers import option_label
from survey_app.clock import clock_of
from survey_app.db import Database
from survey_app.definitions import load_directory
from survey_app.models import Distribution, Publication, SurveyResponse, User
from survey_app.privacy.disclosure import DisclosureRules
from survey_app.reports import REGION, charts
from tests.board import CHILDREN_COUNCIL, PRACTITIONERS_COUNCIL, seed_children, seed_practitioners
from tests.cellkeys import expected_change, within_spread
from tests.conftest import close_periods, make_council, sign_in
from tests.programmes import ITEM, SHIPPED, WAVES, run_programme
from tests.submissions import submit

REPORT = "/facilitator/surveys/{}/report"
# Where the board-sized reports are written, to be looked at (pdftoppm) after a run.
BOARD_PDFS = Path("/tmp/board11")  # noqa: S108


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

    close_periods(app)
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
    # Meeting one and meeting four side by side, a row per answer, the base last.
    assert header == ["Answer", "Meeting one", "Meeting four"]
    meeting_one = {r[0]: r[1] for r in rows}
    # 40 ratings at meeting one: 8, 16 and 16, each perturbed by its cell key, then hidden
    # below 8 or rounded to 5; percentages from the rounded counts and base shown, never from
    # the exact ones.
    base = meeting_one.pop("Answered (base)")
    assert within_spread(base, 40)
    shown = {answer: cell.partition(" ") for answer, cell in meeting_one.items()}
    assert within_spread(shown["Very limited"][0], 8)
    assert within_spread(shown["Limited"][0], 16)
    assert within_spread(shown["Excellent"][0], 0)
    rules = DisclosureRules()
    for count, _, percent in shown.values():
        if count.isdigit():
            assert percent == f"({rules.percent(int(count), int(base))}%)"
    change_caption = next(c for c in tables if c.startswith("Change from"))
    change_header, *change_body = tables[change_caption]
    change_rows = {r[0]: dict(zip(change_header, r, strict=True)) for r in change_body}
    item = "Knowledge of children's rights"  # the item in words, never its id
    # 40 pairs, every one up by 1: the counts perturbed by the pairs' keys, the typical change
    # worked out from the perturbed changes (computed here apart from the service).
    expected = expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES)
    assert within_spread(change_rows[item]["Pairs"], 40)
    assert [change_rows[item][c] for c in ("Pairs", "Rated higher", "Rated the same")] == [
        expected.pairs,
        expected.improved,
        expected.same,
    ]
    changes = expected.changes
    walsh = [
        (changes[i] + changes[j]) / 2 for i in range(len(changes)) for j in range(i, len(changes))
    ]
    assert statistics.median(walsh) == 1.0
    assert "Scores went up by about 1 point, 95% CI" in html
    assert f"from {expected.pairs} pairs." in html
    assert "Typical change per person" in html
    assert "Chart in words" in html
    assert "Responses each month" in html


def test_the_report_downloads_as_a_tagged_a4_pdf_with_its_words_and_tables(
    app, client, make_user, database, worker
):
    norfolk_programme_and_sign_in(app, client, make_user, worker)
    close_periods(app)
    page = client.get(REPORT.format("practitioner-skills") + "?council=Norfolk")
    link = link_to(page.get_data(as_text=True), "This report as a PDF")
    closed = latest_closed(app, "practitioner-skills")
    assert link == REPORT.format("practitioner-skills") + f".pdf?council=Norfolk&period={closed}"

    answer = client.get(link)

    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="practitioner-skills-report-norfolk.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(answer.data))
    assert len(reader.pages) >= 2
    sizes = [
        (round(float(sheet.mediabox.width)), round(float(sheet.mediabox.height)))
        for sheet in reader.pages
    ]
    # A4, portrait; the change tables too wide for it on landscape A4 pages of their own.
    assert set(sizes) == {(595, 842), (842, 595)}
    assert sizes[0] == (595, 842)
    for sheet, size in zip(reader.pages, sizes, strict=True):
        if "Change from Meeting one to Meeting four" in sheet.extract_text():
            assert size == (842, 595)
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


def link_to(html: str, words: str) -> str:
    """The address of the page's link with these words."""
    (found,) = re.findall(rf'<a href="([^"]*)">{re.escape(words)}', html)
    return unescape(found)


def latest_closed(app: Flask, survey_id: str) -> str:
    """The key of the survey's latest closed period by the app's clock."""
    settings = app.extensions["surveys"][survey_id].publication
    return periods.last_published(settings, clock_of(app).now()).key


def test_the_reports_links_keep_its_period_after_a_later_one_has_closed(
    app, client, make_user, worker
):
    norfolk_programme_and_sign_in(app, client, make_user, worker)
    close_periods(app)
    report = REPORT.format("practitioner-skills")
    page = client.get(f"{report}?council=Norfolk").get_data(as_text=True)
    period = latest_closed(app, "practitioner-skills")
    close_periods(app)  # another period closes, with no answers in it

    pdf = client.get(link_to(page, "This report as a PDF"))
    latest_pdf = client.get(f"{report}.pdf?council=Norfolk")
    counts = client.get(link_to(page, "Before and after (CSV)")).get_data(as_text=True)

    def text(answer: Any) -> str:
        assert answer.status_code == 200
        reader = pypdf.PdfReader(io.BytesIO(answer.data))
        return " ".join(" ".join(sheet.extract_text().split()) for sheet in reader.pages)

    # The PDF of the page is about the page's period, not whatever closed since.
    # (Its figures are perturbed by cell keys, so the period is told by its name and charts.)
    assert f"sent in {period}" in text(pdf) and "Meeting one: Very limited" in text(pdf)
    assert f"sent in {period}" not in text(latest_pdf)
    assert "Meeting one: Very limited" not in text(latest_pdf)
    # The before/after CSV of the page's period has the 40 pairs (as their keys perturb them).
    pairs = expected_change(app.extensions["database"], "Norfolk", ITEM, WAVES).pairs
    assert within_spread(pairs, 40)
    assert f"Norfolk,knowledge_childrens_rights,{pairs}," in counts


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
        make_council(session, council)
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
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")

    page = client.get(REPORT.format("child-cp-conference") + "?council=Suffolk")

    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    # Each band answers on its own scale: the council is shown only as its directions.
    across = f"{question.text.en} (every age band: negative, middle and positive answers)"
    header, *rows = tables_of(html)[across]
    assert header[1:] == ["Suffolk"]
    assert {row[0] for row in rows} >= {"Negative answers", "Positive answers"}
    # 24 older children is enough; but the 12-17 group differs from the council's 28 by only
    # the 4 younger children, so it is not shown either, and the page says why: too close to
    # figures already published, never by how much (that is the 4 children's number).
    older_title = f"{question.for_band('12-17').text.en} (aged 12 to 17)"
    assert older_title not in tables_of(html)
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
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    bands = {band.id: band.label.en for band in definition.age_bands}
    older_label, younger_label = f"Suffolk, aged {bands['12-17']}", f"Suffolk, aged {bands['8-11']}"
    first_option = option_label(question, older_options[0], "12-17")
    second_option = option_label(question, older_options[1], "12-17")
    # Each band's own chart, in its own words.
    band_titles = [
        f"{question.for_band(band).text.en} (aged {words})" for band, words in bands.items()
    ]

    def figures() -> tuple[dict[tuple[str, str], str], dict[str, str], dict[str, str]]:
        html = client.get(REPORT.format("child-cp-conference") + "?council=Suffolk").get_data(
            as_text=True
        )
        tables = tables_of(html)
        counts = {}
        for title in band_titles:
            header, *rows = tables[title]
            counts.update(
                {
                    (group, row[0]): cell.split(" ")[0]
                    for row in rows
                    for group, cell in zip(header[1:], row[1:], strict=True)
                }
            )
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
    assert within_spread(
        counts[(younger_label, option_label(question, younger_options[0], "8-11"))], 10
    )
    # A younger child's "Yes" is never shown in the older children's words ("Mostly").
    assert (younger_label, "Yes") in counts and (younger_label, "Mostly") not in counts
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
    close_periods(app)
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


def test_every_chart_on_the_report_is_a_figure_named_by_its_words(app, client, make_user, worker):
    suffolk = child_distribution(app, "Suffolk")
    for _ in range(30):
        submit(app, suffolk, went_to_meeting="no", why_not_there=["didnt_know"])
    worker()
    make_user()
    sign_in(client, "facilitator@example.org")

    html = client.get(REPORT.format("child-cp-conference") + "?council=Suffolk").get_data(
        as_text=True
    )

    figures = re.findall(r"<figure\b[^>]*>.*?</figure>", html, re.S)
    assert figures, html
    for figure in figures:
        named = re.match(r'<figure\b[^>]*aria-labelledby="([^"]+)"', figure)
        assert named is not None, figure[:200]
        caption = re.search(rf'<figcaption id="{named.group(1)}">(.*?)</figcaption>', figure, re.S)
        assert caption is not None and caption.group(1).strip(), figure[:300]


# A report for the board: the demo's numbers on A4 ------------------------------------------


def pdf_text(data: bytes) -> tuple[int, str]:
    """A PDF's page count and its words, whitespace collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(sheet.extract_text().split()) for sheet in reader.pages)
    return len(reader.pages), text


def every_header(html: str) -> set[str]:
    return {unescape(cell) for table in tables_of(html).values() for cell in table[0]}


def pdf_pages(data: bytes) -> list[str]:
    """Each page's words, whitespace collapsed."""
    return [
        " ".join(sheet.extract_text().split()) for sheet in pypdf.PdfReader(io.BytesIO(data)).pages
    ]


def ids_in(text: str, definition: Any) -> set[str]:
    """Question ids and before/after column ids that appear as words in text."""
    from survey_app.downloads import PREPOST_COLUMNS, UNPAIRED_COLUMNS

    ids = {q.id for q in definition.questions} | set(PREPOST_COLUMNS) | set(UNPAIRED_COLUMNS)
    ids = {i for i in ids if "_" in i}  # "item", "note" are words too
    return {word for word in re.findall(r"[a-z_]+", text) if word in ids}


@pytest.mark.parametrize("app_each_db", ["sqlite"], indirect=True)
def test_the_demos_child_report_fits_six_a4_pages_opening_with_a_one_page_summary(
    app, client, make_user, worker
):
    seed_children(app)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    url = REPORT.format("child-cp-conference") + f"?council={CHILDREN_COUNCIL}"
    html = client.get(url).get_data(as_text=True)

    answer = client.get(url.replace("/report?", "/report.pdf?"))

    assert answer.status_code == 200
    BOARD_PDFS.mkdir(exist_ok=True)
    (BOARD_PDFS / "child.pdf").write_bytes(answer.data)
    pages = pdf_pages(answer.data)
    assert len(pages) <= 6, len(pages)
    text = " ".join(pages)
    headers = every_header(html)
    assert headers and not [h for h in headers if " ".join(h.split()) not in text]
    assert not ids_in(text, app.extensions["surveys"]["child-cp-conference"])
    # Ids name one element each on the page (and in the PDF, where WeasyPrint warns of "Anchor
    # defined twice"), and every chart's clip paths and references point inside its chart.
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert html.count("<svg") > 1 and len(ids) == len(set(ids)), Counter(ids).most_common(3)
    assert set(re.findall(r"url\(#([^)]+)\)", html)) <= set(ids)
    # The first page is the summary, every question in a sentence; the detail starts after it.
    definition = app.extensions["surveys"]["child-cp-conference"]
    first = pages[0]
    assert "Summary" in first and "Answers to each question" not in first
    assert "What is not shown, and why" in first
    for question in definition.questions:
        if question.is_choice:
            assert " ".join(question.text.en.split()) in first
    # A banded scale: each band's "% positive" from the counts its table publishes.
    felt = next(q for q in definition.questions if q.id == "how_you_felt")
    older = felt.for_band("12-17")
    # The band's own table: its own question words and answers.
    header, *rows = tables_of(html)[f"{older.text.en} (aged 12 to 17)"]
    column = header.index(f"{CHILDREN_COUNCIL}, aged 12 to 17")
    cells = {row[0]: row[column].split(" ")[0] for row in rows}
    positive = [o.label.en for o in older.options if o.direction == "positive"]
    specials = [name for name in cells if name.startswith(("I don't", "I'd rather"))]
    who = f"children aged 12 to 17 in {CHILDREN_COUNCIL}"
    if any(not cells[name].isdigit() for name in positive + specials):
        assert f"Too few answers to tell for {who}" in first
    else:
        base = int(cells["Answered (base)"]) - sum(int(cells[name]) for name in specials)
        share = round(10 * sum(int(cells[name]) for name in positive) / base)
        assert (
            f"About {share} in 10 {who} gave a positive answer (“Good” or “Really good”), "
            f"out of {base}." in first
        )
    # The region of one council is that council: one block, not the same figures twice.
    region = client.get(REPORT.format("child-cp-conference")).get_data(as_text=True)
    felt_tables = [rows for caption, rows in tables_of(region).items() if felt.text.en in caption]
    assert [rows[0] for rows in felt_tables] == [["Answer", REGION]]
    # Its summary of a banded question is the share of positive answers across age bands.
    # (or, where a count it needs came to 1 to 7 after its cell key change, too few to tell).
    assert re.search(
        r"(About \d+ in 10|All|None|Fewer than 1 in 10|More than 9 in 10) children in the "
        r"region gave a positive answer, out of \d+\.|Too few answers to tell for children in "
        r"the region",
        unescape(region),
    )
    assert "“Positive answers”" not in unescape(region)


@pytest.mark.parametrize("app_each_db", ["sqlite"], indirect=True)
def test_the_demos_practitioner_report_fits_eight_a4_pages_with_notes_once_and_no_ids(
    app, client, make_user, worker
):
    seed_practitioners(app)
    worker()
    close_periods(app)
    make_user()
    sign_in(client, "facilitator@example.org")
    url = REPORT.format("practitioner-skills") + f"?council={PRACTITIONERS_COUNCIL}"
    html = client.get(url).get_data(as_text=True)

    answer = client.get(url.replace("/report?", "/report.pdf?"))

    assert answer.status_code == 200
    BOARD_PDFS.mkdir(exist_ok=True)
    (BOARD_PDFS / "practitioner.pdf").write_bytes(answer.data)
    pages = pdf_pages(answer.data)
    assert len(pages) <= 8, len(pages)
    text = " ".join(pages)
    headers = every_header(html)
    assert headers and not [h for h in headers if " ".join(h.split()) not in text]
    assert not ids_in(text, app.extensions["surveys"]["practitioner-skills"])
    # The summary is the first page, whole: every item and the feedback questions, then what
    # is not shown; the detail starts on the next page.
    assert "Summary" in pages[0] and "Scores went up by about" in pages[0]
    assert "What is not shown, and why" in pages[0]
    assert "How would you rate the programme's contribution to building your" in pages[0]
    assert "Before and after: Meeting one" in pages[1]
    # The look-back note is given once, numbered; its rows point to it.
    tables = tables_of(html)
    looking_back = next(rows for caption, rows in tables.items() if caption.startswith("Looking"))
    header, *rows = looking_back
    assert header[0] == "Question" and header[-1] == "Notes"
    assert rows and all(re.fullmatch(r"\d+(, \d+)*", row[-1]) for row in rows)
    assert unescape(html).count("'before' is the rating given at Meeting one") == 1
    # A column key says what each statistic means.
    assert "Typical change" in text and "after minus before" in text


def published(question: str, base: int | str, *cells: tuple[str, int | str, str]) -> Any:
    from survey_app.privacy.disclosure import PublishedCell, PublishedQuestion

    return PublishedQuestion(
        question,
        base,
        tuple(PublishedCell(option, count, percent, "") for option, count, percent in cells),
    )


def test_a_summary_sentence_adds_up_the_upper_ratings_as_published_with_the_base():
    from survey_app.reports.summary import answer_sentence

    definition = load_directory(SHIPPED)["practitioner-skills"]
    item = next(q for q in definition.questions if q.id == ITEM)
    shown = published(
        ITEM,
        45,
        ("1", 0, "0.0"),
        ("2", 10, "22.2"),
        ("3", 10, "22.2"),
        ("4", 15, "33.3"),
        ("5", 10, "22.2"),
    )
    hidden = published(
        ITEM,
        45,
        ("1", 0, "0.0"),
        ("2", 15, "33.3"),
        ("3", 25, "55.6"),
        ("4", 10, "22.2"),
        ("5", "c", "c"),
    )
    withheld = withheld_question(ITEM)

    assert answer_sentence(item, "practitioners at Meeting four", shown) == (
        "About 6 in 10 practitioners at Meeting four answered “Good” or “Excellent”, out of 45."
    )
    assert answer_sentence(item, "practitioners at Meeting one", hidden) == (
        "Too few answers to tell for practitioners at Meeting one "
        "(some are hidden to protect small numbers)."
    )
    assert answer_sentence(item, "practitioners at Meeting one", withheld) == (
        "Too few answers to tell for practitioners at Meeting one."
    )


def withheld_question(question: str) -> Any:
    from survey_app.privacy.disclosure import PublishedQuestion, notes

    return PublishedQuestion(question, notes.NOT_SHOWN, (), withheld=notes.SMALL_BASE)


def test_a_banded_scales_summary_is_its_share_leaning_positive_in_the_bands_own_words():
    from survey_app.reports.summary import answer_sentence

    definition = load_directory(SHIPPED)["child-cp-conference"]
    listened = next(q for q in definition.questions if q.id == "listened_to")
    # 8 to 11: three faces; "don't know" leans neither way and is left out of the base.
    counts = published(
        "listened_to",
        50,
        ("sad", 5, "10.0"),
        ("okay", 10, "20.0"),
        ("happy", 30, "60.0"),
        ("dont_know", 5, "10.0"),
    )

    sentence = answer_sentence(listened.for_band("8-11"), "children aged 8 to 11", counts)

    assert sentence == (
        "About 7 in 10 children aged 8 to 11 gave a positive answer (“Yes”), out of 45."
    )


def test_the_regions_summary_of_a_banded_question_is_its_share_of_positive_directions():
    from survey_app.answers import collapsed_question
    from survey_app.reports.summary import answer_sentence

    definition = load_directory(SHIPPED)["child-cp-conference"]
    listened = next(q for q in definition.questions if q.id == "listened_to")
    # Across age bands only the declared directions are published; "don't know" is left out.
    directions = published(
        "listened_to",
        110,
        ("negative", 15, "13.6"),
        ("neutral", 20, "18.2"),
        ("positive", 70, "63.6"),
        ("dont_know", 5, "4.5"),
        ("prefer_not_to_say", 0, "0.0"),
    )
    hidden = published(
        "listened_to",
        110,
        ("negative", 15, "13.6"),
        ("neutral", 20, "18.2"),
        ("positive", 70, "63.6"),
        ("dont_know", "c", "c"),
        ("prefer_not_to_say", 0, "0.0"),
    )

    asked = collapsed_question(listened)

    assert answer_sentence(asked, "children in the region", directions) == (
        "About 7 in 10 children in the region gave a positive answer, out of 105."
    )
    assert answer_sentence(asked, "children in the region", hidden) == (
        "Too few answers to tell for children in the region "
        "(some are hidden to protect small numbers)."
    )


def test_the_change_in_the_same_people_is_told_in_words_with_its_interval():
    from survey_app.analysis.paired import PairedChange
    from survey_app.privacy.disclosure import DisclosureRules
    from survey_app.reports.summary import change_sentence

    def change(estimate: float, low: float, high: float) -> PairedChange:
        return PairedChange(
            40, 2, 3, 30, 10, 0, estimate, low, high, 0.95, "exact", 0.001, "exact", 0.8, None
        )

    rules = DisclosureRules()
    assert change_sentence(change(1, 1, 2), 40, True, rules) == (
        "Scores went up by about 1 point, 95% CI 1 to 2, from 40 pairs."
    )
    assert change_sentence(change(-0.5, -1, 0), 40, True, rules) == (
        "Scores went down by about 0.5 points, 95% CI -1 to 0, from 40 pairs."
    )
    assert change_sentence(change(1, 1, 2), "x", False, rules).startswith("Too few pairs to tell")
