"""Staff sessions and sign-in: signing out ends the session on the server, lockouts that a slow
drip of wrong passwords cannot make endless, and one client trying many accounts slowed down."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey_app import operations
from survey_app.db import Database
from survey_app.models import User
from tests.conftest import PASSWORD, Auth, HttpsClient, csrf_token, sign_in

EMAIL = "facilitator@example.org"
SESSION_COOKIE = "survey_session"
LOCKOUT = dt.timedelta(minutes=15)


def signed_in_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(client: FlaskClient, cookie: str) -> Any:
    """Send an old session cookie again, as someone who copied it would."""
    client.set_cookie(SESSION_COOKIE, cookie, domain="localhost", secure=True, httponly=True)
    return client.get("/facilitator/")


def change(database: Database, email: str, change: Callable[[Any, User], object]) -> None:
    with database.session() as session:
        change(session, session.scalar(select(User).where(User.email == email)))
        session.commit()


# Sessions end on the server --------------------------------------------------------------


def test_a_session_cookie_replayed_after_signing_out_is_refused(client, make_user):
    make_user(EMAIL)
    assert sign_in(client, EMAIL).status_code == 302
    cookie = signed_in_cookie(client)
    page = client.get("/facilitator/").get_data(as_text=True)

    client.post("/facilitator/logout", data={"csrf_token": csrf_token(page)})
    replayed = replay(client, cookie)

    assert replayed.status_code == 302
    assert "/facilitator/login" in replayed.headers["Location"]


def test_signing_out_on_one_device_leaves_a_new_sign_in_working(client, make_user):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    page = client.get("/facilitator/").get_data(as_text=True)
    client.post("/facilitator/logout", data={"csrf_token": csrf_token(page)})

    assert sign_in(client, EMAIL).status_code == 302
    assert client.get("/facilitator/").status_code == 200


@pytest.mark.parametrize(
    "ended_by",
    [
        lambda session, user: operations.set_password(user, "a brand new long password"),
        lambda session, user: operations.deactivate_user(session, user),
    ],
    ids=["a new password", "deactivation"],
)
def test_a_new_password_or_deactivation_ends_sessions_already_signed_in(
    client, make_user, database, ended_by
):
    make_user(EMAIL)
    sign_in(client, EMAIL)
    cookie = signed_in_cookie(client)
    assert client.get("/facilitator/").status_code == 200

    change(database, EMAIL, ended_by)

    assert client.get("/facilitator/").status_code == 302
    assert replay(client, cookie).status_code == 302


def test_a_deactivated_account_cannot_sign_in_again(client, make_user, database):
    make_user(EMAIL)
    change(database, EMAIL, operations.deactivate_user)

    assert sign_in(client, EMAIL).status_code == 401


# An account's lockout, on a clock the test controls ---------------------------------------


def try_at(database: Database, minute: float, password: str) -> str:
    """Sign in as EMAIL at minute after a fixed start: 'in', 'wrong' or 'locked'."""
    start = dt.datetime(2026, 12, 1, 9, 0)
    with database.session() as session:
        try:
            operations.authenticate(
                session, EMAIL, password, 5, LOCKOUT, now=start + dt.timedelta(minutes=minute)
            )
        except operations.LoginRefused as refused:
            session.commit()
            return "locked" if refused.locked else "wrong"
        session.commit()
        return "in"


def test_five_failures_lock_the_account_for_the_lockout_period_then_it_opens(make_user, database):
    make_user(EMAIL)
    assert [try_at(database, minute, "wrong guess") for minute in range(5)] == ["wrong"] * 5

    assert try_at(database, 10, PASSWORD) == "locked"
    assert try_at(database, 18.9, PASSWORD) == "locked"
    assert try_at(database, 19.1, PASSWORD) == "in"


def test_wrong_tries_during_a_lockout_do_not_extend_it(make_user, database):
    make_user(EMAIL)
    for minute in range(5):
        try_at(database, minute, "wrong guess")  # locked from minute 4 to 19
    for minute in (5, 8, 11, 14, 17, 18.5):
        assert try_at(database, minute, "wrong guess") == "locked"

    assert try_at(database, 19.5, PASSWORD) == "in"


def test_a_slow_drip_of_wrong_passwords_never_keeps_the_owner_out_for_good(make_user, database):
    make_user(EMAIL)
    # Someone tries a wrong password every three minutes, for three hours.
    drip = [3 * n for n in range(60)]
    outcomes = {minute: try_at(database, minute, "wrong guess") for minute in drip}
    assert "locked" in outcomes.values()
    # The first lockout starts at the fifth failure (minute 12) and ends 15 minutes later,
    # however many tries came in between: the owner signs in at minute 28.
    assert outcomes[24] == "locked"
    assert try_at(database, 28, PASSWORD) == "in"


def test_a_locked_account_says_how_long_is_left(make_user, database):
    make_user(EMAIL)
    for minute in range(5):
        try_at(database, minute, "wrong guess")
    start = dt.datetime(2026, 12, 1, 9, 0)
    with database.session() as session, pytest.raises(operations.LoginRefused) as refused:
        operations.authenticate(
            session, EMAIL, PASSWORD, 5, LOCKOUT, now=start + dt.timedelta(minutes=16)
        )
    assert "Try again in 3 minutes." in str(refused.value)


# One client trying many accounts -------------------------------------------------------------


def client_from(app: Flask, address: str) -> FlaskClient:
    app.test_client_class = HttpsClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def spray(client: FlaskClient, count: int) -> list[int]:
    """One wrong password tried against count different accounts."""
    return [
        sign_in(client, f"person{n}@example.org", "Summer2026!").status_code for n in range(count)
    ]


def test_many_accounts_tried_from_one_client_are_slowed_and_other_clients_are_not(make_app):
    app = make_app(LOGIN_CLIENT_MAX_FAILURES=4, LOGIN_CLIENT_WINDOW_MINUTES=5)
    with app.extensions["database"].session() as session:
        operations.create_user(session, EMAIL, PASSWORD, "facilitator")
        session.commit()
    sprayer = client_from(app, "203.0.113.9")

    assert spray(sprayer, 6) == [401, 401, 401, 401, 429, 429]
    refused = sign_in(sprayer, EMAIL)  # even the right password, from that client
    assert refused.status_code == 429
    assert "Too many failed sign-ins from this device" in refused.get_data(as_text=True)
    colleague = client_from(app, "198.51.100.20")
    assert sign_in(colleague, EMAIL).status_code == 302


def test_the_sign_in_counter_keeps_no_client_address_and_forgets_within_minutes(
    make_app, redis_server
):
    store = redis.Redis.from_url(redis_server.url_for_db(3))
    store.flushdb()
    app = make_app(
        LOGIN_CLIENT_MAX_FAILURES=4,
        LOGIN_CLIENT_WINDOW_MINUTES=5,
        LOGIN_THROTTLE_STORAGE=redis_server.url_for_db(3),
    )
    sprayer = client_from(app, "203.0.113.9")

    assert spray(sprayer, 5)[-1] == 429

    keys = store.keys("*")
    assert keys, "nothing was counted in Redis"
    for key in keys:
        assert b"203.0.113" not in key
        stored = store.dump(key) or b""
        assert b"203.0.113" not in stored
        assert 0 < store.ttl(key) <= 5 * 60
    store.flushdb()


# The admins' page of staff accounts ------------------------------------------------------------

ADMIN = "admin@example.org"
USERS = "/facilitator/users/"


def token_for(database: Database, email: str) -> str:
    with database.session() as session:
        made = operations.create_api_token(session, email)
        session.commit()
        return made


def form_token(client: FlaskClient) -> str:
    return csrf_token(client.get(USERS).get_data(as_text=True))


def user_id(database: Database, email: str) -> int:
    with database.session() as session:
        return int(session.scalar(select(User.id).where(User.email == email)) or 0)


@pytest.fixture
def admin_client(auth: Auth, make_user: Callable[..., User]) -> FlaskClient:
    """A client signed in as an admin, beside one facilitator's account (EMAIL)."""
    make_user(EMAIL)
    return auth.as_new(ADMIN, role="admin")


def test_an_admin_sees_every_account_and_its_tokens_but_never_a_token(admin_client, database):
    secret = token_for(database, EMAIL)

    page = admin_client.get(USERS).get_data(as_text=True)

    assert ADMIN in page and EMAIL in page
    assert "Token 1: made" in page and "last used never" in page
    assert secret not in page and secret[3:12] not in page


def test_an_admin_deactivates_an_account_which_ends_its_session_and_tokens(
    admin_client, make_app, database, app
):
    secret = token_for(database, EMAIL)
    colleague = app.test_client()
    assert sign_in(colleague, EMAIL).status_code == 302

    done = admin_client.post(
        f"/facilitator/users/{user_id(database, EMAIL)}/deactivate",
        data={"csrf_token": form_token(admin_client)},
        follow_redirects=True,
    )

    assert done.status_code == 200
    assert f"{EMAIL} is deactivated; 1 API token(s) revoked." in done.get_data(as_text=True)
    assert colleague.get("/facilitator/").status_code == 302
    assert sign_in(colleague, EMAIL).status_code == 401
    api = app.test_client().get(
        "/api/v1/surveys",
        headers={"Authorization": f"Bearer {secret}"},
        base_url="https://localhost",
    )
    assert api.status_code == 401


def test_an_admin_revokes_one_token_or_all_of_an_accounts_tokens(admin_client, database):
    first, second, third = (token_for(database, EMAIL) for _ in range(3))
    account = user_id(database, EMAIL)

    one = admin_client.post(
        f"/facilitator/users/{account}/tokens/2/revoke",
        data={"csrf_token": form_token(admin_client)},
    )
    with database.session() as session:
        assert [bool(operations.user_for_token(session, t)) for t in (first, second, third)] == [
            True,
            False,
            True,
        ]
    every = admin_client.post(
        f"/facilitator/users/{account}/tokens/revoke", data={"csrf_token": form_token(admin_client)}
    )

    assert one.status_code == every.status_code == 303
    with database.session() as session:
        assert not any(operations.user_for_token(session, t) for t in (first, second, third))


def test_the_admin_forms_refuse_a_post_without_a_csrf_token(admin_client, database):
    refused = admin_client.post(f"/facilitator/users/{user_id(database, EMAIL)}/deactivate")

    assert refused.status_code == 400
    with database.session() as session:
        assert session.scalar(select(User.active).where(User.email == EMAIL)) is True


def test_an_admin_cannot_deactivate_their_own_account(admin_client, database):
    answer = admin_client.post(
        f"/facilitator/users/{user_id(database, ADMIN)}/deactivate",
        data={"csrf_token": form_token(admin_client)},
        follow_redirects=True,
    )

    assert "You cannot deactivate your own account" in answer.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>', answer.get_data(as_text=True))
    assert summary is not None and "autofocus" in summary.group(0)  # the keyboard goes there
    assert admin_client.get(USERS).status_code == 200
    headings = re.findall(r"<(h[1-6])\b", answer.get_data(as_text=True))
    assert headings[0] == "h1", headings  # the problem's title is no heading before the h1


@pytest.mark.parametrize("role", ["facilitator", "council_lead"])
def test_the_staff_accounts_page_is_not_found_for_anyone_but_admins(
    client, make_user, database, role
):
    make_user(
        "someone@example.org", role=role, council="Norfolk" if role == "council_lead" else None
    )
    make_user(EMAIL)
    sign_in(client, "someone@example.org")
    token = csrf_token(client.get("/facilitator/").get_data(as_text=True))

    assert client.get(USERS).status_code == 404
    deactivate = client.post(
        f"/facilitator/users/{user_id(database, EMAIL)}/deactivate", data={"csrf_token": token}
    )
    assert deactivate.status_code == 404
    with database.session() as session:
        assert session.scalar(select(User.active).where(User.email == EMAIL)) is True
    assert "Staff accounts" not in client.get("/facilitator/").get_data(as_text=True)


def test_signed_out_visitors_to_the_staff_accounts_page_are_sent_to_sign_in(client):
    answer = client.get(USERS)

    assert answer.status_code == 302
    assert "/facilitator/login" in answer.headers["Location"]


def test_an_id_too_large_for_the_database_is_not_found(admin_client):
    token = form_token(admin_client)
    assert (
        admin_client.post(
            "/facilitator/users/2147483648/deactivate", data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert (
        admin_client.post(
            "/facilitator/users/1/tokens/99999999999/revoke", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_staff_can_still_sign_in_when_the_counters_redis_is_down(make_app, caplog):
    app = make_app(LOGIN_THROTTLE_STORAGE="redis://127.0.0.1:9/0")  # nothing listens there
    with app.extensions["database"].session() as session:
        operations.create_user(session, EMAIL, PASSWORD, "facilitator")
        session.commit()
    client = client_from(app, "203.0.113.9")

    assert sign_in(client, EMAIL, "a wrong guess").status_code == 401
    assert sign_in(client, EMAIL).status_code == 302
    assert "sign-in throttle storage unavailable" in caplog.text
