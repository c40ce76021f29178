"""Importing councils' complaints and compliments logs: the page (with its column-mapping
step), the API and the command line; duplicates, bad rows by line, months only, council
isolation, and the worker anonymising the words and destroying the raw text."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import select, text

from survey_app import feedback, operations, themes
from survey_app.background import background_work
from survey_app.db import Database
from survey_app.feedback.importing import parse_date
from survey_app.models import AuditEvent, Base, FeedbackItem, ThemeItem, User
from survey_app.voices import ItemQuery, Source, read_items
from tests.conftest import Auth, csrf_token, make_council, running_worker

LOG = (
    "received_on,type,from,service,text\n"
    "05/11/2026,complaint,parent,Child protection conferences,Nobody told us the time of the "
    "meeting\n"
    "2026-10-20,compliment,child,Advocacy,My advocate listened to me\n"
    "12 Sep 2026,comment,carer,Fostering,Ring me on 07700 900412 about the review\n"
)
TOKEN_EMAIL = "importer@example.org"


def items(database: Database) -> list[FeedbackItem]:
    with database.session() as session:
        return list(session.scalars(select(FeedbackItem).order_by(FeedbackItem.id)))


def typed_service(app: Flask, item: FeedbackItem) -> str:
    """An item's service as the log gave it, sealed until the worker anonymises it."""
    if item.service_ciphertext is None:
        return item.service
    assert item.service == ""
    return app.extensions["vault"].open(item.service_ciphertext)


def upload(client: FlaskClient, data: bytes, name: str = "log.csv", **form: str):
    page = client.get("/facilitator/feedback/")
    assert page.status_code == 200
    return client.post(
        "/facilitator/feedback/import",
        data={"csrf_token": csrf_token(page.text), "file": (io.BytesIO(data), name), **form},
        content_type="multipart/form-data",
    )


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    """Each test on SQLite and again on PostgreSQL (left out of the fast run)."""
    return app_each_db


@pytest.fixture
def suffolk(database: Database) -> None:
    with database.session() as session:
        make_council(session, "Suffolk")
        make_council(session, "Norfolk")
        session.commit()


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    def make(email: str = TOKEN_EMAIL, **user: str) -> str:
        make_user(email, **user)
        with database.session() as session:
            token = operations.create_api_token(session, email)
            session.commit()
        return token

    return make


def bearer(token: str, content_type: str = "text/csv") -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


def test_a_log_is_imported_with_only_the_month_it_was_received(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    done = upload(facilitator, LOG.encode(), council="Suffolk")
    assert done.status_code == 200, done.text
    assert 'data-added="3"' in done.text
    stored = items(database)
    assert [(i.received_month, i.kind, i.sender) for i in stored] == [
        ("2026-11", "complaint", "parent"),
        ("2026-10", "compliment", "child"),
        ("2026-09", "comment", "carer"),
    ]
    # The service is sealed with the words (staff type it; a name can be in it).
    assert all(i.service == "" and i.service_ciphertext is not None for i in stored)
    assert not any(b"Advocacy" in (i.service_ciphertext or b"") for i in stored)
    # No column anywhere in the row holds the day it was received.
    with database.engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM feedback_items WHERE id = :i"), {"i": 1})
        values = [str(value) for value in row.one()]
    assert not any("05/11" in value or "2026-11-05" in value for value in values)
    # The words are sealed until the worker anonymises them.
    assert all(i.ciphertext is not None and i.redacted is None for i in stored)
    assert not any(b"advocate listened" in (i.ciphertext or b"") for i in stored)


def test_importing_the_same_log_again_adds_nothing(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    upload(facilitator, LOG.encode(), council="Suffolk")
    again = upload(facilitator, LOG.encode(), council="Suffolk")
    assert 'data-added="0"' in again.text and 'data-duplicates="3"' in again.text
    assert len(items(database)) == 3
    # The key is a keyed hash, not the row: nothing of the row can be read from it.
    assert all(re.fullmatch(r"[0-9a-f]{64}", item.row_key) for item in items(database))


def test_the_same_row_for_another_council_is_its_own_item(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    upload(facilitator, LOG.encode(), council="Suffolk")
    upload(facilitator, LOG.encode(), council="Norfolk")
    assert len(items(database)) == 6


def test_bad_rows_are_listed_by_line_without_their_words_and_good_rows_are_kept(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    log = (
        "received_on,type,from,service,text\n"
        '01/10/2026,complaint,parent,Conferences,"A complaint\nover two lines"\n'
        "31/02/2026,complaint,parent,Conferences,Zebracorn was upset\n"
        "01/10/2026,grumble,parent,Conferences,Zebracorn again\n"
        "01/10/2026,complaint,uncle,Conferences,Zebracorn thrice\n"
        "01/10/2099,complaint,child,Conferences,Zebracorn from the future\n"
        "01/10/2026,compliment,child,Conferences,\n"
        "01/10/2026,compliments,young person,Conferences,Thank you\n"
    )
    done = upload(facilitator, log.encode(), council="Suffolk")
    assert done.status_code == 200
    refused = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", done.text)
    assert [int(line) for line, _ in refused] == [4, 5, 6, 7, 8]
    problems = dict(refused)
    assert "not a date" in problems["4"]
    assert "complaint, compliment or comment" in problems["5"]
    assert "child, parent, carer" in problems["6"]
    assert "future" in problems["7"]
    assert "empty" in problems["8"]
    assert "Zebracorn" not in done.text
    assert [(i.kind, i.sender) for i in items(database)] == [
        ("complaint", "parent"),
        ("compliment", "child"),
    ]


def test_an_xlsx_log_is_imported_like_a_csv(
    app: Flask, facilitator: FlaskClient, database: Database, suffolk: None
):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Received on", "Type", "From", "Service", "Text"])
    sheet.append([dt.datetime(2026, 8, 14), "Complaint", "Advocate", "IRO service", "Too late"])
    sheet.append(["03/07/2026", "comment", "professional", "", "A comment"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    done = upload(facilitator, buffer.getvalue(), name="log.xlsx", council="Suffolk")
    assert 'data-added="2"' in done.text, done.text
    assert [
        (i.received_month, i.kind, i.sender, typed_service(app, i)) for i in items(database)
    ] == [
        ("2026-08", "complaint", "advocate", "IRO service"),
        ("2026-07", "comment", "professional", ""),
    ]


def test_a_log_with_the_councils_own_headings_is_imported_after_choosing_its_columns(
    app: Flask, facilitator: FlaskClient, database: Database, suffolk: None
):
    log = (
        "Ref;Logged;Category;Complainant role;Area;Summary of issue\n"
        "1;02/06/2026;Complaint;Parent;Child protection;Meeting moved twice\n"
    )
    asked = upload(facilitator, log.encode("utf-8-sig"), council="Suffolk")
    assert asked.status_code == 200
    assert "Which column is which" in asked.text
    assert items(database) == []
    # The file is carried through the page sealed: its words are not in the page.
    assert "Meeting moved twice" not in asked.text
    sealed = re.search(r'name="sealed_file" value="([^"]+)"', asked.text)
    assert sealed
    chosen = {
        "column_received_on": "Logged",
        "column_type": "Category",
        "column_from": "Complainant role",
        "column_service": "Area",
        "column_text": "Summary of issue",
    }
    done = facilitator.post(
        "/facilitator/feedback/import",
        data={
            "csrf_token": csrf_token(asked.text),
            "council": "Suffolk",
            "sealed_file": sealed.group(1),
            **chosen,
        },
    )
    assert 'data-added="1"' in done.text, done.text
    assert [(i.received_month, typed_service(app, i)) for i in items(database)] == [
        ("2026-06", "Child protection")
    ]


def test_a_mapping_that_leaves_out_a_required_column_is_asked_again(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    log = "Logged,Category,Who,Summary\n02/06/2026,Complaint,Parent,Late\n"
    asked = upload(facilitator, log.encode(), council="Suffolk")
    sealed = re.search(r'name="sealed_file" value="([^"]+)"', asked.text)
    assert sealed
    refused = facilitator.post(
        "/facilitator/feedback/import",
        data={
            "csrf_token": csrf_token(asked.text),
            "council": "Suffolk",
            "sealed_file": sealed.group(1),
            "column_received_on": "Logged",
            "column_type": "Category",
            "column_from": "",
            "column_text": "Summary",
        },
    )
    assert refused.status_code == 400
    assert "who it was from" in refused.text
    assert items(database) == []


def test_an_excel_csv_in_windows_1252_is_read(
    app: Flask, facilitator: FlaskClient, database: Database, suffolk: None
):
    log = "received_on,type,from,service,text\r\n01/05/2026,compliment,parent,Café,Très bien\r\n"
    done = upload(facilitator, log.encode("cp1252"), council="Suffolk")
    assert 'data-added="1"' in done.text
    assert typed_service(app, items(database)[0]) == "Café"


def big_log(rows: int = 2000) -> bytes:
    """A log far over the service's 64 KB request limit (about 300 KB)."""
    lines = [
        f"0{1 + number % 9}/10/2026,complaint,parent,Conferences,Complaint number {number} "
        "about the time of the meeting and who was told"
        for number in range(rows)
    ]
    return ("received_on,type,from,service,text\n" + "\n".join(lines) + "\n").encode()


def test_a_log_bigger_than_a_childs_answers_is_imported_through_the_mapping_step_too(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    data = big_log().replace(b"received_on,type", b"Logged,type")
    assert len(data) > 200_000
    asked = upload(facilitator, data, council="Suffolk")
    assert asked.status_code == 200 and "Which column is which" in asked.text
    sealed = re.search(r'name="sealed_file" value="([^"]+)"', asked.text)
    assert sealed
    done = facilitator.post(
        "/facilitator/feedback/import",
        data={
            "csrf_token": csrf_token(asked.text),
            "council": "Suffolk",
            "sealed_file": sealed.group(1),
            "column_received_on": "Logged",
            "column_type": "type",
            "column_from": "from",
            "column_service": "service",
            "column_text": "text",
        },
    )
    assert 'data-added="2000"' in done.text


def test_a_file_that_is_not_a_log_is_refused_with_why(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    refused = upload(facilitator, b"PK\x03\x04 not really a workbook", "x.xlsx", council="Suffolk")
    assert refused.status_code == 400
    assert "not a readable XLSX" in refused.text
    assert items(database) == []


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("03/04/2026", dt.date(2026, 4, 3)),  # day first, as UK logs write it
        ("3.4.26", dt.date(2026, 4, 3)),
        ("2026-04-03", dt.date(2026, 4, 3)),
        ("2026-04-03 14:22:00", dt.date(2026, 4, 3)),
        ("3 April 2026", dt.date(2026, 4, 3)),
        ("Apr 2026", dt.date(2026, 4, 1)),
        ("2026-04", dt.date(2026, 4, 1)),
        ("04/31/2026", None),
        ("yesterday", None),
    ],
)
def test_dates_are_read_day_first_or_iso(typed: str, day: dt.date | None):
    assert parse_date(typed) == day


# Council isolation -----------------------------------------------------------------------------


def test_a_council_lead_imports_only_for_their_own_council(
    auth: Auth, database: Database, suffolk: None
):
    lead = auth.as_new("lead@suffolk.example.org", "council_lead", "Suffolk")
    refused = upload(lead, LOG.encode(), council="Norfolk")
    assert refused.status_code == 400
    assert "your own council" in refused.text
    done = upload(lead, LOG.encode(), council="Suffolk")
    assert 'data-added="3"' in done.text
    with database.session() as session:
        suffolk_id = operations.find_council(session, "Suffolk").id  # type: ignore[union-attr]
    assert {item.council_id for item in items(database)} == {suffolk_id}


def test_a_safeguarding_lead_has_no_import_page(auth: Auth, suffolk: None):
    lead = auth.as_new("safe@suffolk.example.org", "safeguarding_lead", "Suffolk")
    assert lead.get("/facilitator/feedback/").status_code == 404


def test_an_unknown_council_is_refused_naming_the_closest(
    facilitator: FlaskClient, database: Database, suffolk: None
):
    refused = upload(facilitator, LOG.encode(), council="Sufolk")
    assert refused.status_code == 400
    assert "Suffolk" in refused.text
    assert items(database) == []


# The API ---------------------------------------------------------------------------------------


def test_the_api_imports_a_csv_body_and_answers_201(
    client: FlaskClient, make_token: Callable[..., str], database: Database, suffolk: None
):
    token = make_token()
    answer = client.post("/api/v1/feedback?council=Suffolk", data=LOG, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    assert answer.json == {"council": "Suffolk", "added": 3, "duplicates": 0, "problems": []}
    again = client.post("/api/v1/feedback?council=suffolk", data=LOG, headers=bearer(token))
    assert again.status_code == 201
    assert again.json["added"] == 0 and again.json["duplicates"] == 3


def test_the_api_takes_a_multipart_file_and_lists_bad_rows(
    client: FlaskClient, make_token: Callable[..., str], database: Database, suffolk: None
):
    token = make_token()
    log = LOG + "40/40/2026,complaint,parent,Fostering,Secret words\n"
    answer = client.post(
        "/api/v1/feedback?council=Suffolk",
        data={"file": (io.BytesIO(log.encode()), "log.csv")},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201
    assert answer.json["added"] == 3
    assert answer.json["problems"] == [
        {"line": 5, "problem": "the date received is not a date (use dd/mm/yyyy or yyyy-mm-dd)"}
    ]
    assert "Secret words" not in answer.text


def test_the_api_maps_the_councils_own_headings_from_the_query(
    client: FlaskClient, make_token: Callable[..., str], database: Database, suffolk: None
):
    token = make_token()
    log = "Logged,Category,Who,Summary\n02/06/2026,Complaint,Parent,Late\n"
    unmapped = client.post("/api/v1/feedback?council=Suffolk", data=log, headers=bearer(token))
    assert unmapped.status_code == 400
    assert "Choose which column" in unmapped.json["error"]
    mapped = client.post(
        "/api/v1/feedback?council=Suffolk&column_received_on=Logged&column_type=Category"
        "&column_from=Who&column_text=Summary",
        data=log,
        headers=bearer(token),
    )
    assert mapped.status_code == 201, mapped.text
    assert mapped.json["added"] == 1


def test_the_api_takes_a_log_bigger_than_a_childs_answers(
    client: FlaskClient, make_token: Callable[..., str], database: Database, suffolk: None
):
    answer = client.post(
        "/api/v1/feedback?council=Suffolk", data=big_log(), headers=bearer(make_token())
    )
    assert answer.status_code == 201, answer.status_code
    assert answer.json["added"] == 2000


def test_an_unreadable_body_through_the_api_is_a_400_and_adds_nothing(
    client: FlaskClient, make_token: Callable[..., str], database: Database, suffolk: None
):
    token = make_token()
    answer = client.post("/api/v1/feedback?council=Suffolk", data=b"", headers=bearer(token))
    assert answer.status_code == 400
    assert answer.json["error"] == "The file is empty."
    assert items(database) == []


def test_a_council_leads_token_cannot_import_for_another_council(
    client: FlaskClient, make_token: Callable[..., str], database: Database, suffolk: None
):
    token = make_token("lead@norfolk.example.org", role="council_lead", council="Norfolk")
    refused = client.post("/api/v1/feedback?council=Suffolk", data=LOG, headers=bearer(token))
    assert refused.status_code == 400
    assert items(database) == []
    own = client.post("/api/v1/feedback?council=Norfolk", data=LOG, headers=bearer(token))
    assert own.status_code == 201


def test_the_api_needs_a_token_to_import(client: FlaskClient, suffolk: None):
    assert client.post("/api/v1/feedback?council=Suffolk", data=LOG).status_code == 401


# The command line ------------------------------------------------------------------------------


def test_the_command_line_imports_a_log_and_lists_bad_rows_by_line(run, tmp_path):
    assert run("councils", "create", "Suffolk").exit_code == 0
    log = tmp_path / "log.csv"
    log.write_text(LOG + "01/01/2026,complaint,nobody,Fostering,Private words\n")
    env = {"SURVEY_TEXT_KEY": feedback_key(), "SURVEY_LINK_KEY": "a link key for the test"}
    first = run("feedback", "import", str(log), "--council", "Suffolk", env=env)
    assert first.exit_code == 1  # a row was refused: scripts notice
    assert "3 added, 0 already imported, 1 not imported, for Suffolk" in first.stdout
    assert "line 5: who it was from" in first.stderr
    assert "Private words" not in first.output
    again = run("feedback", "import", str(log), "--council", "Suffolk", "--json", env=env)
    assert '"added": 0' in again.stdout and '"duplicates": 3' in again.stdout


def test_the_command_line_maps_headings_given_as_options(run, tmp_path):
    assert run("councils", "create", "Suffolk").exit_code == 0
    log = tmp_path / "log.csv"
    log.write_text("Logged,Category,Who,Summary\n02/06/2026,Complaint,Parent,Late\n")
    env = {"SURVEY_TEXT_KEY": feedback_key(), "SURVEY_LINK_KEY": "a link key for the test"}
    unmapped = run("feedback", "import", str(log), "--council", "Suffolk", env=env)
    assert unmapped.exit_code == 1 and "Choose which column" in unmapped.stderr
    mapped = run(
        "feedback",
        "import",
        str(log),
        "--council",
        "Suffolk",
        "--column",
        "received_on=Logged",
        "--column",
        "type=Category",
        "--column",
        "from=Who",
        "--column",
        "text=Summary",
        env=env,
    )
    assert mapped.exit_code == 0, mapped.output
    assert "1 added" in mapped.stdout


def feedback_key() -> str:
    from survey_app.crypto import TextVault

    return TextVault.generate_key()


# The worker ------------------------------------------------------------------------------------


def test_the_worker_anonymises_the_words_and_destroys_the_raw_text(
    app: Flask,
    facilitator: FlaskClient,
    database: Database,
    suffolk: None,
    worker: Callable[[], None],
):
    upload(facilitator, LOG.encode(), council="Suffolk")
    worker()
    stored = items(database)
    assert all(item.ciphertext is None and item.raw_destroyed_on for item in stored)
    assert stored[2].redacted == "Ring me on [PHONE] about the review"
    with database.session() as session:
        destroyed = session.scalars(
            select(AuditEvent.subject).where(AuditEvent.event == "raw_text_destroyed")
        ).all()
        found = list(read_items(session, ItemQuery(start=dt.date(2026, 10, 1))))
    assert set(destroyed) == {f"feedback_item:{item.id}" for item in stored}
    feedback_items = [item for item in found if item.source == Source.FEEDBACK]
    assert [(i.ref, i.month, i.prompt) for i in feedback_items] == [
        (f"feedback:{stored[0].id}", dt.date(2026, 11, 1), "Child protection conferences"),
        (f"feedback:{stored[1].id}", dt.date(2026, 10, 1), "Advocacy"),
    ]


def test_the_sweeper_sends_items_whose_message_was_lost(
    app: Flask, facilitator: FlaskClient, database: Database, suffolk: None
):
    from workers.sweeper import sweep_voices

    background_work(app).anonymise_feedback = lambda item_ids: None  # the message is lost
    upload(facilitator, LOG.encode(), council="Suffolk")
    assert all(item.redacted is None for item in items(database))

    # The sweeper finds the items waiting (a worker's sweeper sends them again).
    assert sweep_voices() == {f"feedback:{item.id}" for item in items(database)}
    workers = running_worker()  # starts with empty queues
    drain = next(workers)
    try:
        sweep_voices()
        drain()
    finally:
        workers.close()
    assert all(item.redacted is not None and item.ciphertext is None for item in items(database))
    assert sweep_voices() == set()


def test_words_that_cannot_be_anonymised_are_held_back_encrypted(
    app: Flask, database: Database, suffolk: None
):
    from survey_app.crypto import TextVault

    with database.session() as session:
        council = operations.find_council(session, "Suffolk")
        assert council is not None
        other_key = TextVault(TextVault.generate_key())
        added = feedback.import_log(
            session,
            other_key,  # sealed under a key the worker does not have
            council,
            LOG.encode(),
            None,
            link_key="key",
            today=dt.date(2026, 12, 1),
        ).added
        session.commit()
        assert feedback.anonymise_item(session, app.extensions["vault"], added[0], app.config)
        session.commit()
        held = session.get(FeedbackItem, added[0])
        assert held is not None
        assert held.held_back and held.ciphertext is not None and held.redacted is None
        assert held.processing_attempts == 1


def test_a_name_typed_as_the_service_never_reaches_a_page_an_export_or_a_report(
    app: Flask, facilitator: FlaskClient, database: Database, suffolk: None, tmp_path
):
    staff = tmp_path / "staff.txt"
    staff.write_text("Jo Pemberton\n", encoding="utf-8")
    log = (
        "received_on,type,from,service,text\n"
        "05/11/2026,complaint,parent,Jo Pemberton's fostering team,Nobody rang us back\n"
        "06/11/2026,comment,carer,,The forms are long\n"
    )
    upload(facilitator, log.encode(), council="Suffolk")
    with database.session() as session:
        for item in items(database):
            # The worker's step, with the council's staff list.
            assert feedback.anonymise_item(
                session, app.extensions["vault"], item.id, {"STAFF_NAMES_FILE": str(staff)}
            )
        session.commit()
        stored = items(database)
        assert [i.service for i in stored] == ["[NAME]'s fostering team", ""]
        assert all(i.service_ciphertext is None and i.ciphertext is None for i in stored)
        # Read for theme coding: the redacted service is the item's prompt, else its type.
        found = list(read_items(session, ItemQuery()))
        assert [i.prompt for i in found if i.source == Source.FEEDBACK] == [
            "[NAME]'s fostering team",
            "Comment",
        ]
        themes.register_items(session, found)
        session.commit()
        [theme_item] = session.scalars(
            select(ThemeItem.id).where(ThemeItem.ref == f"feedback:{stored[0].id}")
        ).all()
    page = facilitator.get(f"/facilitator/coding/{theme_item}")
    assert page.status_code == 200 and "fostering team" in page.text
    report = facilitator.get("/facilitator/themes/report").text
    for shown in (page.text, report):
        assert "Pemberton" not in shown
    # Every page, export and report reads the database: no table holds the name readable.
    assert not holds(database, "Pemberton")


def holds(database: Database, words: str) -> list[str]:
    """The tables with a column whose text holds words (case folded)."""
    found = []
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                if any(words.casefold() in str(value).casefold() for value in row):
                    found.append(table.name)
                    break
    return found
