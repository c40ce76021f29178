"""Bad input gets a clear 4xx page or JSON error, never a server error (on PostgreSQL, which
refuses NUL bytes and numbers past its integer columns)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from survey_app import operations
from survey_app.background import background_work
from survey_app.models import Distribution
from tests.conftest import PASSWORD, POSTGRESQL_ONLY, HttpsClient, csrf_token, make_council, sign_in

SURVEY = "/facilitator/surveys/test-child"
ADMIN = "admin@example.org"


pytestmark = POSTGRESQL_ONLY


@pytest.fixture
def app_settings() -> dict[str, Any]:
    # Exports (the research extract as a file) are asked for below: a deployment that has them.
    return {"RESEARCH_EXTRACT": True}


@pytest.fixture
def app(app_each_db: Flask) -> Flask:
    made = app_each_db
    background_work(made).build_export = lambda export_id: None
    with made.extensions["database"].session() as session:
        operations.create_user(session, ADMIN, PASSWORD, "admin")
        make_council(session, "Suffolk")
        operations.create_distribution(session, "test-child", "Suffolk", "Reviews")
        session.commit()
    return made


@pytest.fixture
def code(app: Flask) -> str:
    with app.extensions["database"].session() as session:
        return str(session.scalars(select(Distribution.code)).one())


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    app.test_client_class = HttpsClient
    return app.test_client()


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    app.test_client_class = HttpsClient
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 302
    return client


@pytest.fixture
def bearer(app: Flask) -> dict[str, str]:
    with app.extensions["database"].session() as session:
        token = operations.create_api_token(session, ADMIN)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def is_clear_refusal(answer: TestResponse) -> bool:
    answer.get_data()
    return 400 <= answer.status_code < 500


def test_a_nul_byte_in_a_survey_link_is_a_404(anonymous: FlaskClient, code: str) -> None:
    for path in ("/s/%00", f"/s/{code}%00", f"/s/{code}/q/%00", f"/s/{code}/keep-code/%00"):
        answer = anonymous.get(path)
        assert answer.status_code == 404, path
        assert "Page not found" in answer.text


def test_a_nul_byte_in_a_distribution_filter_is_a_400(
    admin: FlaskClient, anonymous: FlaskClient, bearer: dict[str, str]
) -> None:
    for download in (
        "items.csv",
        "research-extract.csv",
        "aggregates.csv",
        "aggregates.xlsx",
        "prepost.csv",
    ):
        assert admin.get(f"{SURVEY}/{download}?distribution=%00").status_code == 400, download
        api = anonymous.get(
            f"/api/v1/surveys/test-child/{download}?distribution=%00", headers=bearer
        )
        assert api.status_code == 400 and "error" in api.json, download
    token = csrf_token(admin.get(SURVEY).text)
    asked = admin.post(
        f"{SURVEY}/exports", data={"csrf_token": token, "format": "csv", "distribution": "\x00"}
    )
    assert asked.status_code == 400
    by_api = anonymous.post(
        "/api/v1/surveys/test-child/exports",
        json={"format": "csv", "distribution": "ab\u0000cd"},
        headers=bearer,
    )
    assert by_api.status_code == 400 and "characters" in by_api.json["error"]


def test_a_nul_byte_for_a_distribution_page_card_or_qr_is_a_404(admin: FlaskClient) -> None:
    for suffix in ("", "/card", "/qr.svg", "/qr.png"):
        assert admin.get(f"/facilitator/distributions/%00{suffix}").status_code == 404, suffix


def test_a_sign_in_email_too_long_or_with_a_nul_byte_is_no_server_error(
    anonymous: FlaskClient,
) -> None:
    for email in ("a" * 250 + "@example.org", "x" * 5000, "nobody\x00@example.org"):
        token = csrf_token(anonymous.get("/facilitator/login").text)
        answer = anonymous.post(
            "/facilitator/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 401, email[:20]
        assert "Sign in" in answer.text
    # A NUL byte is taken out like any control character: what is left is the address.
    token = csrf_token(anonymous.get("/facilitator/login").text)
    answer = anonymous.post(
        "/facilitator/login",
        data={"email": "admin\x00@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302


def test_a_next_address_with_a_line_break_goes_to_the_surveys_after_signing_in(
    anonymous: FlaskClient,
) -> None:
    page = anonymous.get("/facilitator/login")
    answer = anonymous.post(
        "/facilitator/login?next=/facilitator/%0D%0ASet-Cookie:%20x=1",
        data={"email": ADMIN, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/facilitator/"
    assert "x=1" not in answer.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("export_id", ["2147483648", "99999999999999999999999"])
def test_an_export_id_larger_than_any_row_is_a_404(
    admin: FlaskClient, anonymous: FlaskClient, bearer: dict[str, str], export_id: str
) -> None:
    for suffix in ("", "/download"):
        api = anonymous.get(f"/api/v1/exports/{export_id}{suffix}", headers=bearer)
        assert api.status_code == 404 and "error" in api.json
        assert admin.get(f"/facilitator/exports/{export_id}{suffix}").status_code == 404


@pytest.mark.parametrize(
    ("council", "label"),
    [
        ("Suffolk", "L" * 201),
        ("S" * 201, "Reviews"),
        ("Suf\x00folk", "Reviews"),
        ("Suffolk", "Re\x00views"),
    ],
)
def test_a_label_or_council_too_long_or_with_a_nul_byte_is_no_server_error(
    app: Flask, admin: FlaskClient, council: str, label: str
) -> None:
    token = csrf_token(admin.get(SURVEY).text)
    answer = admin.post(
        f"{SURVEY}/distributions", data={"csrf_token": token, "council": council, "label": label}
    )
    if len(council) > 200 or len(label) > 200:
        assert answer.status_code == 400
        assert "at most 200 characters" in answer.text
    else:
        assert answer.status_code in (302, 303)
        shown = admin.get(answer.headers["Location"]).text
        assert "Reviews" in shown and "\x00" not in shown


def test_an_export_request_nested_five_thousand_deep_is_a_400(
    anonymous: FlaskClient, bearer: dict[str, str]
) -> None:
    body = '{"format": ' + "[" * 5000 + "]" * 5000 + "}"
    answer = anonymous.post(
        "/api/v1/surveys/test-child/exports",
        data=body,
        headers={**bearer, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400 and "error" in answer.json
