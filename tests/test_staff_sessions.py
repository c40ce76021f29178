"""Staff sessions and sign-in: signing out ends the session on the server, lockouts that a slow
drip of wrong passwords cannot make endless, and one client trying many accounts slowed down."""

from __future__ import annotations

import datetime as dt
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
from tests.conftest import PASSWORD, HttpsClient, csrf_token, sign_in

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
