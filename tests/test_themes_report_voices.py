"""The "What children and families told us" report shows, beside the themes, the focus groups'
dot votes and shows of hands per guide prompt and what case-file audits found, every figure
through the publishing unit: small counts never show, a council lead sees only their council."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey_app import operations
from survey_app.db import Database
from survey_app.focus_groups.results import vote_ids
from survey_app.models import CaseAudit, Council, Publication, User
from tests.cellkeys import perturbed, shown, within_spread
from tests.conftest import TEST_SURVEYS, close_periods, csrf_token, make_council
from tests.test_themes_pages import staff
from tests.theme_items import CLOSED

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
HOUSES = "focus-group-three-houses"
AUDIT_FORM = "/facilitator/audits/case-file-audit"
REPORT = "/facilitator/themes/report"
CRITERIA = (
    "likes_dislikes",
    "close_to",
    "worries",
    "wants_changed",
    "views_acted_on",
    "plan_with_child",
)


@pytest.fixture
def app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """The test survey and codebook (months, closing at once), the shipped children's guide, and
    the shipped audit form published per month like the codebook (so its results stand in the
    report's periods)."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    for name in ("test-child.yaml", "themes.yaml"):
        shutil.copy(TEST_SURVEYS / name, folder)
    shutil.copy(SHIPPED / f"{HOUSES}.yaml", folder)
    form = (SHIPPED / "case-file-audit.yaml").read_text()
    monthly = form.replace(
        "publication: {period: quarter, closes_after_days: 14}",
        "publication: {period: month, closes_after_days: 0}",
    )
    assert monthly != form
    (folder / "case-file-audit.yaml").write_text(monthly)
    made = make_app(SURVEY_DIR=str(folder), PHOTO_DIR=str(tmp_path / "photos"))
    with made.extensions["database"].session() as session:
        for name in ("Suffolk", "Norfolk"):
            make_council(session, name)
        session.commit()
    return made


def token_for(app: Flask, make_user: Callable[..., User]) -> str:
    make_user("api@example.org", "facilitator")
    with app.extensions["database"].session() as session:
        token = operations.create_api_token(session, "api@example.org")
        session.commit()
    return token


def record_session(app: Flask, token: str, council: str, items: list[dict[str, Any]]) -> None:
    """A focus group held in the report's closed month, sent through the API."""
    reply = app.test_client().post(
        "/api/v1/focus-groups",
        json={
            "guide": HOUSES,
            "council": council,
            "held_on": CLOSED.start.replace(day=10).isoformat(),
            "participants": {"8-11": 6, "12-17": 5},
            "consent_recorded": True,
            "items": items,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 201, reply.get_data(as_text=True)


def votes(**counts: int) -> dict[str, Any]:
    return {"prompt": "what-matters-most", "kind": "votes", "votes": counts}


def hands(**counts: int) -> dict[str, Any]:
    return {"prompt": "how-was-it", "kind": "show_of_hands", "votes": counts}


def audit(client: FlaskClient, reference: str, council: str, **answers: str) -> None:
    page = client.get(AUDIT_FORM)
    given = {question: "yes" for question in CRITERIA}
    given.update(answers)
    reply = client.post(
        AUDIT_FORM,
        data={
            "csrf_token": csrf_token(page.text),
            "council": council,
            "case_reference": reference,
            **given,
        },
    )
    assert reply.status_code == 303, reply.text


def table_after(page: str, caption_start: str) -> dict[str, list[str]]:
    """The rows of the table whose caption starts so: each row's heading and its cells."""
    found = re.search(
        rf"<caption>{re.escape(caption_start)}.*?</caption>.*?<tbody>(.*?)</tbody>", page, re.S
    )
    assert found is not None, f"no table captioned {caption_start!r}"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", found.group(1), re.S)
    return {heading: re.findall(r"<td>(.*?)</td>", cells) for heading, cells in rows}


def exact_audit_figure(database: Database, council: str, criterion: str) -> tuple[str, str]:
    """What the report should show for one criterion (records meeting it, records audited),
    worked out here from the audits' secret keys and the perturbation table."""
    with database.session() as session:
        found = session.execute(
            select(CaseAudit.answers, CaseAudit.cell_key)
            .join(Council, Council.id == CaseAudit.council_id)
            .where(Council.name == council)
        ).all()
    met = [key for answers, key in found if answers.get(criterion) == "yes"]
    every = [key for _, key in found]
    base = max(perturbed(len(every), sum(every) % (1 << 31)), 10)
    return shown(perturbed(len(met), sum(met) % (1 << 31))), shown(base)


@pytest.fixture
def recorded(app: Flask, make_user: Callable[..., User], facilitator: FlaskClient) -> None:
    """Suffolk: two children's groups' dot votes (one option heavy, one small), a show of hands
    too small to tell; 12 case files audited. Norfolk: a show of hands only."""
    token = token_for(app, make_user)
    record_session(app, token, "Suffolk", [votes(**{"know-why": 14, "same-worker": 2})])
    record_session(
        app,
        token,
        "Suffolk",
        [votes(**{"know-why": 12, "fewer-people": 9, "same-worker": 1}), hands(happy=3)],
    )
    record_session(app, token, "Norfolk", [hands(happy=20, okay=15, sad=9)])
    for number in range(12):
        audit(facilitator, f"SUF-{number}", "Suffolk", worries="yes" if number < 9 else "no")
    close_periods(app)


def test_the_report_shows_votes_per_prompt_as_votes_with_small_counts_hidden(
    app, recorded, facilitator, database
):
    page = facilitator.get(REPORT, query_string={"council": "Suffolk"}).get_data(as_text=True)

    assert "These count votes, not children" in page
    dots = table_after(page, f"Dot vote, What would help most? (dot vote), {CLOSED.key}")
    assert within_spread(dots["Being told why the meeting is happening"][0], 26)
    assert within_spread(dots["Fewer people in the room"][0], 9)
    assert within_spread(dots["Keeping the same social worker"][0], 3)
    # Every count shown is c, 0, or a multiple of 5 from 10 up: never a small number.
    for [count] in dots.values():
        assert count == "c" or count == "0" or (int(count) % 5 == 0 and int(count) >= 8)
    assert "dots placed" in page and "most dots on" in page
    # Options are never added up into one figure: each stands in its own row.
    assert len(dots) == 6
    # Four hands raised are too few to tell anything about: no table, no numbers.
    assert "Show of hands, “How was the meeting for you? (show of hands)”: too few votes" in page
    assert "<caption>Show of hands" not in page


def test_the_report_shows_audit_results_beside_what_children_said(
    app, recorded, facilitator, database
):
    page = facilitator.get(REPORT, query_string={"council": "Suffolk"}).get_data(as_text=True)

    met, base = exact_audit_figure(database, "Suffolk", "worries")
    rows = table_after(page, "Case-file audit")
    assert rows["Child&#39;s worries recorded"] == [met, base]
    said = (
        f"in too few of about {base} records audited to tell"
        if met == "c"
        else f"in {met} of about {base} records audited"
    )
    assert f"Child&#39;s worries recorded: {said}" in page
    # A criterion every record met is shown from the same base.
    everyone, same_base = exact_audit_figure(database, "Suffolk", "close_to")
    assert rows["Who the child is close to recorded"] == [everyone, same_base]


def test_every_figure_on_the_report_is_recorded_as_published(app, recorded, facilitator, database):
    with database.session() as session:
        before = session.scalar(select(func.count()).select_from(Publication))

    assert facilitator.get(REPORT, query_string={"council": "Suffolk"}).status_code == 200

    with database.session() as session:
        scopes = session.scalars(select(Publication.scope)).all()[before:]
    assert any("what-matters-most votes" in scope for scope in scopes)
    assert any(scope.startswith("case audits case-file-audit Suffolk") for scope in scopes)


def test_a_council_lead_sees_only_their_own_councils_votes_and_audits(app, recorded, make_user):
    lead, _ = staff(app, make_user, "lead@example.org", "council_lead", "Norfolk")

    own = lead.get(REPORT).get_data(as_text=True)
    assert lead.get(REPORT, query_string={"council": "Suffolk"}).status_code == 404

    hands_table = table_after(own, "Show of hands, How was the meeting for you?")
    assert within_spread(hands_table["Good"][0], 20)
    assert "Dot vote" not in own  # Suffolk's dots are not Norfolk's
    assert "records audited" not in own and "Suffolk" not in own


def test_the_region_report_counts_every_councils_votes_together_per_prompt(
    app, recorded, facilitator
):
    page = facilitator.get(REPORT).get_data(as_text=True)

    hands_table = table_after(page, "Show of hands, How was the meeting for you?")
    # Norfolk's 20 happy hands and Suffolk's 3, as one group; never added to the dots.
    assert within_spread(hands_table["Good"][0], 23)
    dots = table_after(page, f"Dot vote, What would help most? (dot vote), {CLOSED.key}")
    assert within_spread(dots["Being told why the meeting is happening"][0], 26)


def test_the_pdf_report_shows_the_votes_and_the_audits(app, recorded, facilitator):
    answer = facilitator.get(f"{REPORT}.pdf", query_string={"council": "Suffolk"})
    assert answer.status_code == 200
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(answer.data)).pages)
    text = " ".join(text.split())
    assert "Focus groups: dot votes and shows of hands" in text
    assert "These count votes, not children" in text
    assert "Being told why the meeting is happening" in text
    assert "records audited" in text and "Case-file audits: the child in the records" in text


def test_a_few_votes_typed_up_after_the_report_are_held_back_not_shown_by_difference(
    app, recorded, facilitator, make_user
):
    caption = f"Dot vote, What would help most? (dot vote), {CLOSED.key}"
    first = facilitator.get(REPORT, query_string={"council": "Suffolk"}).get_data(as_text=True)
    assert "held back" not in first
    with app.extensions["database"].session() as session:
        token = operations.create_api_token(session, "api@example.org")
        session.commit()
    record_session(app, token, "Suffolk", [votes(**{"same-worker": 2})])

    again = facilitator.get(REPORT, query_string={"council": "Suffolk"}).get_data(as_text=True)

    # Two more dots would change the published figures by two: the earlier ones stand.
    assert table_after(again, caption) == table_after(first, caption)
    assert "A few votes recorded since these figures were first shown are held back" in again


def test_each_vote_is_one_member_and_no_two_items_share_a_vote():
    first = vote_ids(7, {"b": 2, "a": 1, "gone": 1}, ["a", "b"])
    second = vote_ids(8, {"a": 3}, ["a", "b"])

    assert sorted(first.values()) == ["a", "b", "b", "gone"]
    assert len(second) == 3 and not set(first) & set(second)
    # Far above any coded item's id, which share the codebook's ledger with them.
    assert min(first) >= 1 << 40
