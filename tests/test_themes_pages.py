"""The coding page (keys and buttons, no JavaScript needed), agreement between coders on the
page, the theme downloads for staff and scripts, council isolation, and the property that small
cells never show in themes.csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey_app import operations, themes
from survey_app.models import Publication, ThemeCoding, ThemeItem, User
from tests.conftest import HttpsClient, csrf_token, make_council, rows_of, running_worker, sign_in
from tests.submissions import submit
from tests.test_themes import hand_kappa
from tests.theme_items import CLOSED, code, items, register
from workers.actors import QUEUE, THEMES_QUEUE
from workers.sweeper import sweep_themes

# Numbers the property test's examples, so each has accounts and councils of its own.
EXAMPLES = itertools.count()
PERIOD = {"from": CLOSED.start.isoformat(), "to": CLOSED.end.isoformat()}


def council_id(app: Flask, name: str) -> int:
    with app.extensions["database"].session() as session:
        council = make_council(session, name)
        session.commit()
        return council.id


def staff(
    app: Flask,
    make_user: Callable[..., User],
    email: str,
    role: str = "facilitator",
    council: str | None = None,
) -> tuple[FlaskClient, User]:
    """A new browser signed in as a new account."""
    user = make_user(email, role, council)
    app.test_client_class = HttpsClient
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client, user


def seed(app: Flask, council: int, texts: list[str], **kwargs) -> list[int]:  # type: ignore[no-untyped-def]
    with app.extensions["database"].session() as session:
        rows = register(session, items(council, texts, **kwargs))
        session.commit()
        return [row.id for row in rows]


def code_as(app: Flask, user: User, ids: list[int], given: list[list[str]]) -> None:
    with app.extensions["database"].session() as session:
        rows = [session.get(ThemeItem, item_id) for item_id in ids]
        code(session, app.extensions["codebook"], user, rows, given)
        session.commit()


def pressed(page: str) -> set[str]:
    return set(re.findall(r'name="toggle" value="([^"]+)" aria-pressed="true"', page))


# The coding page ----------------------------------------------------------------------------


def test_coding_without_javascript_toggles_by_buttons_and_only_confirming_records(app, make_user):
    suffolk = council_id(app, "Suffolk")
    [first, second] = seed(app, suffolk, ["we waited outside for ages", "my teacher helped"])
    browser, user = staff(app, make_user, "coder@example.org")

    start = browser.get("/facilitator/coding")
    assert start.status_code == 302 and start.location.endswith(f"/coding/{first}?queue=new")
    page = browser.get(start.location).get_data(as_text=True)
    assert "we waited outside for ages" in page
    # Numbered buttons with access keys: 1 is the codebook's first active theme.
    assert re.search(r'value="listened_to" aria-pressed="false" accesskey="1"', page)
    assert 'accesskey="n"' in page and 'accesskey="u"' in page
    token = csrf_token(page)

    toggled = browser.post(
        f"/facilitator/coding/{first}",
        data={"csrf_token": token, "queue": "new", "toggle": "waiting"},
    )
    assert toggled.status_code == 200
    assert pressed(toggled.get_data(as_text=True)) == {"waiting"}
    with app.extensions["database"].session() as session:
        assert session.scalar(select(func.count()).select_from(ThemeCoding)) == 0

    confirmed = browser.post(
        f"/facilitator/coding/{first}",
        data={"csrf_token": token, "queue": "new", "chosen": ["waiting"], "confirm": "1"},
    )
    assert confirmed.status_code == 303 and f"/coding/{second}" in confirmed.location
    with app.extensions["database"].session() as session:
        coding = themes.coding_of(session, first, user.id)
        assert [code.theme_id for code in coding.codes] == ["waiting"]

    undone = browser.post(
        f"/facilitator/coding/{second}", data={"csrf_token": token, "queue": "new", "undo": "1"}
    )
    assert undone.status_code == 303 and f"/coding/{first}" in undone.location
    with app.extensions["database"].session() as session:
        assert themes.coding_of(session, first, user.id) is None


def test_the_agreement_page_shows_cohens_kappa_for_two_coders(app, make_user):
    suffolk = council_id(app, "Suffolk")
    ids = seed(app, suffolk, [f"item {n}" for n in range(6)])
    a = [["waiting"], ["waiting"], [], ["waiting"], [], []]
    b = [["waiting"], [], [], ["waiting"], ["waiting"], []]
    browser, first = staff(app, make_user, "first@example.org")
    second = make_user("second@example.org")
    code_as(app, first, ids, a)
    code_as(app, second, ids, b)
    page = browser.get("/facilitator/coding/agreement").get_data(as_text=True)
    expected = hand_kappa([int("waiting" in g) for g in a], [int("waiting" in g) for g in b])
    assert f'<td data-theme="waiting">{expected:.2f}</td>' in page
    assert "6 items coded by both" in page


def test_a_council_lead_codes_and_downloads_only_their_own_councils_items(app, make_user):
    suffolk = council_id(app, "Suffolk")
    norfolk = council_id(app, "Norfolk")
    [theirs] = seed(app, norfolk, ["norfolk words"])
    [ours] = seed(app, suffolk, ["suffolk words"])
    lead, _ = staff(app, make_user, "lead@example.org", "council_lead", "Suffolk")
    assert lead.get(f"/facilitator/coding/{theirs}").status_code == 404
    assert lead.get("/facilitator/coding").location.endswith(f"/coding/{ours}?queue=new")
    refused = lead.get("/facilitator/themes.csv", query_string={**PERIOD, "council": "Norfolk"})
    assert refused.status_code == 404


# Downloads ----------------------------------------------------------------------------------


def many(app: Flask, make_user: Callable[..., User]) -> User:
    """Thirty coded complaints in Suffolk and twelve in Norfolk, in the closed month."""
    suffolk = council_id(app, "Suffolk")
    norfolk = council_id(app, "Norfolk")
    coder = make_user("coder@example.org")
    ids = seed(app, suffolk, [f"we waited {n}" for n in range(30)], prompt="Social care")
    code_as(app, coder, ids, [["waiting"]] * 30)
    ids = seed(app, norfolk, [f"my teacher {n}" for n in range(12)], prompt="Social care")
    code_as(app, coder, ids, [["school"]] * 12)
    return coder


def test_themes_csv_for_staff_and_scripts_has_its_columns_and_is_recorded(
    app, make_user, facilitator
):
    many(app, make_user)
    rows = rows_of(facilitator.get("/facilitator/themes.csv", query_string=PERIOD))
    assert list(rows[0]) == themes.THEME_COLUMNS
    assert {row["council"] for row in rows} == {"Norfolk", "Suffolk"}
    suffolk_waiting = next(r for r in rows if r["council"] == "Suffolk" and r["theme"] == "Waiting")
    assert suffolk_waiting["source"] == "feedback" and int(suffolk_waiting["count"]) % 5 == 0
    with app.extensions["database"].session() as session:
        token = operations.create_api_token(session, "facilitator@example.org")
        session.commit()
    scripted = app.test_client().get(
        "/api/v1/themes.csv",
        query_string={**PERIOD, "council": "Suffolk", "source": "feedback"},
        headers={"Authorization": f"Bearer {token}"},
    )
    again = rows_of(scripted)
    assert {row["council"] for row in again} == {"Suffolk"}
    # The same group asked for again shows the same figures (the same cell keys).
    assert [r["count"] for r in again] == [r["count"] for r in rows if r["council"] == "Suffolk"]
    workbook = facilitator.get("/facilitator/themes.xlsx", query_string=PERIOD)
    sheet = load_workbook(io.BytesIO(workbook.data), read_only=True).worksheets[0]
    assert [cell for cell in next(sheet.iter_rows(values_only=True))] == themes.THEME_COLUMNS
    with app.extensions["database"].session() as session:
        assert session.scalar(select(func.count()).where(Publication.survey_id == "test-themes"))


def test_themes_csv_refuses_part_of_a_period_with_a_400_naming_the_period(app, facilitator):
    answer = facilitator.get(
        "/facilitator/themes.csv",
        query_string={"from": CLOSED.start.isoformat(), "to": CLOSED.start.isoformat()},
    )
    assert answer.status_code == 400
    assert f"period={CLOSED.key}" in answer.get_data(as_text=True)
    asked_as_told = facilitator.get("/facilitator/themes.csv", query_string={"period": CLOSED.key})
    assert asked_as_told.status_code == 200
    bad = facilitator.get("/facilitator/themes.csv", query_string={"source": "gossip"})
    assert bad.status_code == 400


def test_items_csv_shows_coded_items_unlinked_and_hides_small_prompts(app, make_user, facilitator):
    many(app, make_user)
    suffolk = council_id(app, "Suffolk")
    coder = make_user("second@example.org")
    few = seed(app, suffolk, ["a rare prompt's answer"] * 3, prompt="Rare", start=100)
    code_as(app, coder, few, [["school"]] * 3)
    rows = rows_of(facilitator.get("/facilitator/items.csv", query_string=PERIOD))
    assert list(rows[0]) == themes.ITEM_COLUMNS
    texts = [row["text"] for row in rows if row["text"]]
    assert len(texts) == 42 and "a rare prompt's answer" not in texts
    assert {row["month"] for row in rows if row["text"]} == {CLOSED.key}
    suffolk_rows = [row["text"] for row in rows if row["council"] == "Suffolk"]
    assert suffolk_rows != sorted(suffolk_rows, key=lambda t: int(t.split()[-1]))


# The property -------------------------------------------------------------------------------


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=3),
    shares=st.lists(st.floats(min_value=0, max_value=1), min_size=4, max_size=4),
)
def test_small_cells_never_show_in_themes_csv(app, make_user, sizes, shares):
    codebook: themes.Codebook = app.extensions["codebook"]
    coder = make_user(f"coder-{next(EXAMPLES)}@example.org")
    active = [theme.id for theme in codebook.active]
    with app.extensions["database"].session() as session:
        names = []
        for size in sizes:
            council = make_council(session, f"Council {next(EXAMPLES)}")
            names.append(council.name)
            rows = register(session, items(council.id, [f"t{n}" for n in range(size)]))
            given = [
                [theme for theme, share in zip(active, shares, strict=False) if n < share * size]
                for n in range(size)
            ]
            code(session, codebook, coder, rows, given)
        session.commit()
        published = themes.publish_themes(
            session,
            codebook,
            None,
            themes.ThemeFilter(start=CLOSED.start, end=CLOSED.end),
            None,
            dt.datetime.now(),
        )
        session.commit()
    text = io.StringIO()
    csv.writer(text).writerows(published.rows)
    for council, _, _, count, base, _ in csv.reader(io.StringIO(text.getvalue())):
        if council not in names:
            continue
        size = sizes[names.index(council)]
        if size < 10:
            assert count == "x" and base == "x"
        for figure in (count, base):
            if figure not in ("c", "x"):
                assert int(figure) % 5 == 0 and int(figure) >= 8 or int(figure) == 0


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


# The quote bank and the report ----------------------------------------------------------------


def test_only_approved_quotes_appear_in_the_report_with_source_and_month(
    app, make_user, facilitator
):
    many(app, make_user)
    suffolk = council_id(app, "Suffolk")
    [chosen, other] = seed(
        app, suffolk, ["the chair said hello to me first", "not for the report"], start=500
    )
    page = facilitator.get(f"/facilitator/coding/{chosen}").get_data(as_text=True)
    approved = facilitator.post(
        f"/facilitator/coding/{chosen}/quote",
        data={"csrf_token": csrf_token(page), "approve": "1"},
    )
    assert approved.status_code == 303
    report = facilitator.get("/facilitator/themes/report", query_string={"council": "Suffolk"})
    text = report.get_data(as_text=True)
    assert report.status_code == 200
    assert "the chair said hello to me first" in text and "not for the report" not in text
    assert f"Complaint or compliment, {CLOSED.start:%B %Y}" in text
    # Theme figures by period, each source on its own with its base, as a chart and a table.
    assert '<svg class="chart" role="img"' in text and "<caption>Complaints and compliments" in text
    assert "Needs to change" in text and "complaints and compliments: Waiting: about" in text


def test_a_council_lead_may_not_approve_quotes_and_sees_only_their_councils_report(app, make_user):
    many(app, make_user)
    suffolk = council_id(app, "Suffolk")
    [item] = seed(app, suffolk, ["a quote"], start=700)
    lead, _ = staff(app, make_user, "lead@example.org", "council_lead", "Suffolk")
    page = lead.get(f"/facilitator/coding/{item}").get_data(as_text=True)
    assert "Approve this anonymised text" not in page
    refused = lead.post(
        f"/facilitator/coding/{item}/quote", data={"csrf_token": csrf_token(page), "approve": "1"}
    )
    assert refused.status_code == 403
    assert (
        lead.get("/facilitator/themes/report", query_string={"council": "Norfolk"}).status_code
        == 404
    )
    own = lead.get("/facilitator/themes/report").get_data(as_text=True)
    assert "Norfolk" not in own


def test_the_facilitators_home_page_leads_to_coding_and_the_report(facilitator):
    home = facilitator.get("/facilitator/").get_data(as_text=True)
    assert 'href="/facilitator/coding"' in home and 'href="/facilitator/themes/report"' in home


@pytest.fixture
def theme_worker() -> Iterator[Callable[[], None]]:
    """An in-process worker; calling it drains the responses' and the themes' queues."""
    yield from running_worker(QUEUE, THEMES_QUEUE)


def test_the_sweeper_sends_the_suggester_for_survey_answers_waiting_for_suggestions(
    app, theme_worker
):
    with app.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        suffolk = operations.create_distribution(session, "test-child", "Suffolk", "Conferences")
        session.commit()
    submit(app, suffolk, went="yes", better="we waited outside for ages")
    theme_worker()
    assert sweep_themes() is True
    theme_worker()
    assert sweep_themes() is False
    with app.extensions["database"].session() as session:
        [item] = session.scalars(select(ThemeItem)).all()
        assert item.source == "survey" and themes.suggestions_of(session, item.id) == ["waiting"]


def test_scripts_get_coded_items_with_a_token_and_the_report_comes_as_a_pdf(
    app, make_user, facilitator
):
    many(app, make_user)
    with app.extensions["database"].session() as session:
        token = operations.create_api_token(session, "facilitator@example.org")
        session.commit()
    rows = rows_of(
        app.test_client().get(
            "/api/v1/items.csv",
            query_string={**PERIOD, "source": "feedback"},
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    assert len([row for row in rows if row["text"]]) == 42
    assert "id" not in rows[0] and "ref" not in rows[0]
    pdf = facilitator.get("/facilitator/themes/report.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
