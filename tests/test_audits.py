"""Case-file audits: the shipped form, recording one audit per case and period with only a
keyed hash of the case reference, council isolation, the notes anonymised by the worker, and
results per council and period through disclosure control (closed periods, small counts never
shown, recorded as publications)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from survey_app import operations
from survey_app.audits import audit_results, headline
from survey_app.db import Database
from survey_app.definitions import DefinitionError, load_file, parse_definition
from survey_app.models import CaseAudit, Publication
from survey_app.periods import Period
from survey_app.privacy.disclosure import notes
from survey_app.voices import ItemQuery, Source, read_items
from tests.conftest import (
    TEST_SURVEYS,
    Auth,
    HttpsClient,
    close_periods,
    csrf_token,
    make_council,
    sign_in,
)

SHIPPED = Path(__file__).parent.parent / "survey_definitions" / "case-file-audit.yaml"
FORM = "/facilitator/audits/case-file-audit"
CRITERIA = (
    "likes_dislikes",
    "close_to",
    "worries",
    "wants_changed",
    "views_acted_on",
    "plan_with_child",
)


@pytest.fixture
def app_settings(tmp_path: Path) -> dict[str, str]:
    """The test child survey and the shipped audit form."""
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", surveys)
    shutil.copy(SHIPPED, surveys)
    return {"SURVEY_DIR": str(surveys)}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """The app, with two councils, on SQLite and again on PostgreSQL (not in the fast run)."""
    with app_each_db.extensions["database"].session() as session:
        make_council(session, "Suffolk")
        make_council(session, "Norfolk")
        session.commit()
    return app_each_db


def audit(client: FlaskClient, reference: str, council: str = "Suffolk", **answers: str) -> object:
    page = client.get(FORM)
    assert page.status_code == 200
    given = {question: "yes" for question in CRITERIA}
    given.update(answers)
    return client.post(
        FORM,
        data={
            "csrf_token": csrf_token(page.text),
            "council": council,
            "case_reference": reference,
            **given,
        },
    )


def audits(database: Database) -> list[CaseAudit]:
    with database.session() as session:
        return list(session.scalars(select(CaseAudit).order_by(CaseAudit.id)))


# The form --------------------------------------------------------------------------------------


def test_the_shipped_audit_form_asks_each_point_of_a_strong_sense_of_the_child():
    form = load_file(SHIPPED)
    assert form.audience == "auditor"
    choices = [question for question in form.questions if question.is_choice]
    assert tuple(question.id for question in choices) == CRITERIA
    for question in choices:
        assert question.required
        assert [option.id for option in question.options] == ["yes", "partly", "no"]
        assert question.hint is not None  # the criterion, in words an auditor can apply
    notes_question = form.question("notes")
    assert notes_question.is_text and not notes_question.required


def test_an_audit_form_may_not_have_age_bands():
    source = SHIPPED.read_text().replace(
        "pages:", "age_bands:\n  - {id: '8-11', label: '8 to 11'}\npages:", 1
    )
    with pytest.raises(DefinitionError) as refused:
        parse_definition(source, "audit.yaml")
    assert any(
        problem.field == "age_bands" and "no age bands" in problem.message
        for problem in refused.value.problems
    )


def test_an_unknown_audience_is_still_refused():
    with pytest.raises(DefinitionError) as refused:
        parse_definition(SHIPPED.read_text().replace("audience: auditor", "audience: robot"))
    assert any(problem.field == "audience" for problem in refused.value.problems)


def test_an_audit_form_has_no_links(app: Flask, database: Database):
    with database.session() as session, pytest.raises(operations.OperationError) as refused:
        operations.create_distribution(session, "case-file-audit", "Suffolk", "Audits")
    assert "Audits page" in str(refused.value)


def test_the_surveys_page_links_to_the_audits_instead_of_listing_the_form(
    facilitator: FlaskClient,
):
    page = facilitator.get("/facilitator/")
    assert "Case-file audits" in page.text
    assert "/facilitator/surveys/case-file-audit" not in page.text


# Recording -------------------------------------------------------------------------------------


def test_an_audit_is_recorded_and_its_case_reference_is_never_stored(
    facilitator: FlaskClient, database: Database
):
    done = audit(facilitator, "CP-2026-0417", notes="Plan written with the child.")
    assert done.status_code == 303
    assert "Audit recorded" in facilitator.get(done.headers["Location"]).text
    [stored] = audits(database)
    assert stored.answers == dict.fromkeys(CRITERIA, "yes")
    assert re.fullmatch(r"[0-9a-f]{64}", stored.case_hash)
    with database.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM case_audits")).one()
    assert not any("0417" in str(value) for value in row)
    assert stored.notes_ciphertext is not None and b"Plan written" not in stored.notes_ciphertext


def test_a_second_audit_of_the_same_case_in_the_period_is_refused(
    facilitator: FlaskClient, database: Database
):
    assert audit(facilitator, "CP-2026-0417").status_code == 303
    again = audit(facilitator, "cp 2026 0417")  # the same case, typed another way
    assert again.status_code == 400
    assert "already been audited" in again.text
    assert len(audits(database)) == 1
    # Another council's case with the same reference is another case.
    assert audit(facilitator, "CP-2026-0417", council="Norfolk").status_code == 303


def test_the_same_case_may_be_audited_again_next_period(
    app: Flask, facilitator: FlaskClient, database: Database
):
    assert audit(facilitator, "CP-1").status_code == 303
    close_periods(app)
    assert audit(facilitator, "CP-1").status_code == 303
    first, second = audits(database)
    assert first.period != second.period
    # Nothing links the two: the hash is keyed per period.
    assert first.case_hash != second.case_hash


def test_a_missing_answer_is_refused_naming_the_question(
    facilitator: FlaskClient, database: Database
):
    refused = audit(facilitator, "CP-2", worries="")
    assert refused.status_code == 400
    assert 'href="#worries"' in refused.text
    assert "Does the record say what worries the child?" in refused.text
    unknown = audit(facilitator, "CP-2", worries="maybe")
    assert unknown.status_code == 400
    no_reference = audit(facilitator, "  ")
    assert no_reference.status_code == 400 and 'href="#case_reference"' in no_reference.text
    assert audits(database) == []


def test_a_council_lead_audits_for_their_own_council_only(auth: Auth, database: Database):
    lead = auth.as_new("lead@norfolk.example.org", "council_lead", "Norfolk")
    assert audit(lead, "CP-3", council="Suffolk").status_code == 303
    [stored] = audits(database)
    with database.session() as session:
        norfolk = operations.find_council(session, "Norfolk")
    assert norfolk is not None and stored.council_id == norfolk.id


def test_a_safeguarding_lead_has_no_audit_pages(auth: Auth):
    lead = auth.as_new("safe@suffolk.example.org", "safeguarding_lead", "Suffolk")
    assert lead.get("/facilitator/audits/").status_code == 404
    assert lead.get(FORM).status_code == 404


def test_a_survey_that_is_not_an_audit_form_has_no_audit_page(facilitator: FlaskClient):
    assert facilitator.get("/facilitator/audits/test-child").status_code == 404


# Results ---------------------------------------------------------------------------------------


def results(client: FlaskClient, period: str = "") -> list[dict[str, str]]:
    answer = client.get(f"{FORM}/results.csv" + (f"?period={period}" if period else ""))
    assert answer.status_code == 200, answer.text
    assert answer.mimetype == "text/csv"
    return [
        row
        for row in csv.DictReader(io.StringIO(answer.text))
        if not row["council"].startswith("note ")
    ]


def test_results_are_shown_only_for_closed_periods_and_never_a_small_count(
    app: Flask, facilitator: FlaskClient, database: Database
):
    for number in range(30):
        # Most records show the child's views were acted on; a few do not (a count of 1-7).
        acted = "no" if number < 3 else "yes"
        assert audit(facilitator, f"S-{number}", views_acted_on=acted).status_code == 303
    for number in range(4):
        assert audit(facilitator, f"N-{number}", council="Norfolk").status_code == 303
    period = audits(database)[0].period
    # The period is open: its figures are not shown, and asking for it is refused.
    assert facilitator.get(f"{FORM}/results.csv?period={period}").status_code == 400
    close_periods(app)
    rows = results(facilitator, period)
    suffolk = [row for row in rows if row["council"] == "Suffolk"]
    assert {row["question"] for row in suffolk} == set(CRITERIA)
    for row in suffolk:
        count = row["count"]
        assert count == notes.HIDDEN or (int(count) % 5 == 0 and not 0 < int(count) < 8), row
        assert int(row["base"]) % 5 == 0
    views_no = next(r for r in suffolk if r["question"] == "views_acted_on" and r["answer"] == "no")
    assert views_no["count"] in (notes.HIDDEN, "0", "10")  # 3 exact: never shown as 3
    # Four records in Norfolk: too few to show anything.
    norfolk = [row for row in rows if row["council"] == "Norfolk"]
    assert norfolk and all(row["count"] == notes.NOT_SHOWN for row in norfolk)
    with database.session() as session:
        published = session.scalars(
            select(Publication.scope).where(Publication.survey_id == "case-file-audit")
        ).all()
    assert any("Suffolk" in scope for scope in published)
    assert not any("Norfolk" in scope for scope in published)


def test_the_results_page_says_it_in_words(
    app: Flask, facilitator: FlaskClient, database: Database
):
    for number in range(20):
        assert audit(facilitator, f"S-{number}").status_code == 303
    for number in range(2):
        assert audit(facilitator, f"N-{number}", council="Norfolk").status_code == 303
    close_periods(app)
    page = facilitator.get(f"{FORM}/results?period={audits(database)[0].period}")
    assert page.status_code == 200
    suffolk = re.search(r'<ul data-council="Suffolk">(.*?)</ul>', page.text, re.S)
    norfolk = re.search(r'<ul data-council="Norfolk">(.*?)</ul>', page.text, re.S)
    assert suffolk and norfolk
    assert re.search(
        r"What was done in response to the child&#39;s views recorded: in \d+ of about \d+ "
        r"records audited",
        suffolk.group(1),
    )
    assert "too few records audited to tell" in norfolk.group(1)


def test_the_results_page_names_the_latest_closed_period_when_none_is_asked_for(
    app: Flask, facilitator: FlaskClient
):
    assert audit(facilitator, "CP-5").status_code == 303  # in the open period
    page = facilitator.get(f"{FORM}/results")
    assert page.status_code == 200
    latest = re.search(r"results for (\d{4}-Q\d)", page.text)
    assert latest
    assert f"No records were audited in {latest.group(1)}." in page.text


def test_a_council_lead_sees_only_their_own_councils_results(
    app: Flask, facilitator: FlaskClient, make_user: Callable[..., object], database: Database
):
    for number in range(12):
        assert audit(facilitator, f"S-{number}").status_code == 303
        assert audit(facilitator, f"N-{number}", council="Norfolk").status_code == 303
    period = audits(database)[0].period
    close_periods(app)
    make_user("lead@norfolk.example.org", "council_lead", "Norfolk")
    app.test_client_class = HttpsClient
    lead = app.test_client()
    assert sign_in(lead, "lead@norfolk.example.org").status_code == 302
    assert {row["council"] for row in results(lead, period)} == {"Norfolk"}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    answers=st.lists(
        st.lists(st.sampled_from(["yes", "partly", "no"]), min_size=6, max_size=6),
        min_size=1,
        max_size=40,
    )
)
def test_no_published_audit_figure_is_a_small_count(app: Flask, answers: list[list[str]]) -> None:
    database: Database = app.extensions["database"]
    form = load_file(SHIPPED)
    with database.session() as session:
        # A council of its own per example: its group overlaps nothing published before.
        council = operations.create_council(session, f"Council {uuid.uuid4().hex[:12]}")
        session.add_all(
            CaseAudit(
                council_id=council.id,
                survey_id=form.id,
                survey_version=form.version,
                period="2026-Q1",
                case_hash=uuid.uuid4().hex,
                answers=dict(zip(CRITERIA, given, strict=True)),
            )
            for given in answers
        )
        session.flush()
        [published] = audit_results(
            session, form, [council.id], Period.parse("2026-Q1"), requested_by_id=None
        )
        session.commit()
    if len(answers) < 10:
        assert published.questions == ()
        assert "too few" in headline(form, published, "worries")
        return
    for question in published.questions:
        for cell in question.cells:
            if isinstance(cell.count, int):
                assert not 0 < cell.count < 8 and cell.count % 5 == 0
            else:
                assert cell.count in (notes.HIDDEN, notes.NOT_SHOWN)


def test_a_council_leads_token_downloads_only_their_councils_results(
    app: Flask, facilitator: FlaskClient, make_user: Callable[..., object], database: Database
):
    for number in range(12):
        assert audit(facilitator, f"S-{number}").status_code == 303
        assert audit(facilitator, f"N-{number}", council="Norfolk").status_code == 303
    period = audits(database)[0].period
    close_periods(app)
    make_user("lead@norfolk.example.org", "council_lead", "Norfolk")
    with database.session() as session:
        token = operations.create_api_token(session, "lead@norfolk.example.org")
        session.commit()
    answer = facilitator.get(
        f"/api/v1/audits/case-file-audit/results.csv?period={period}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    councils = {
        row["council"]
        for row in csv.DictReader(io.StringIO(answer.text))
        if not row["council"].startswith("note ")
    }
    assert councils == {"Norfolk"}
    unknown = facilitator.get(
        "/api/v1/audits/test-child/results.csv", headers={"Authorization": f"Bearer {token}"}
    )
    assert unknown.status_code == 404


# Notes -----------------------------------------------------------------------------------------


def test_the_worker_anonymises_audit_notes_and_destroys_the_raw_text(
    app: Flask, facilitator: FlaskClient, database: Database, worker: Callable[[], None]
):
    assert audit(facilitator, "CP-9", notes="Call the carer on 07700 900412.").status_code == 303
    worker()
    [stored] = audits(database)
    assert stored.notes_ciphertext is None and stored.raw_destroyed_on is not None
    assert "[PHONE]" in (stored.notes_redacted or "")
    with database.session() as session:
        found = [item for item in read_items(session, ItemQuery()) if item.source == Source.AUDIT]
    assert [(item.ref, item.prompt) for item in found] == [
        (f"audit:{stored.id}:notes", "Case-file audit: Notes")
    ]
    assert found[0].text == "Call the carer on [PHONE]."
    assert found[0].month == Period.parse(stored.period).start
