"""Every route, fed NUL bytes, huge numbers, long strings, control characters and deep JSON in
its path, query string, form and JSON body, signed in as an admin and not: never a server error
(on PostgreSQL, the strictest about what it stores)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from survey_app import operations
from survey_app.background import background_work
from tests.conftest import PASSWORD, POSTGRESQL_ONLY, HttpsClient, csrf_token, make_council, sign_in

ADMIN = "admin@example.org"
# Answers the service may give bad input; 5xx is what must never happen.
NASTY = [
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "\x01\x07\x1b[2J\x7f\x85",
    "2147483648",
    "99999999999999999999999999",
    "-1",
    "x" * 300,
    "é" * 5000,
    "%00",
    "../../etc/passwd",
    "{}",
    "[[[[[[[[[[",
]
# The named values put in every field at once (all of NASTY would double the test's time).
IN_FIELDS = ["\x00", "\r\nSet-Cookie: x=1", "\x01\x1b[2J\x85", "2147483648", "é" * 5000]
FIELDS = [
    "council",
    "distribution",
    "from",
    "to",
    "format",
    "next",
    "lang",
    "label",
    "wave",
    "opens_on",
    "closes_on",
    "email",
    "password",
    "personal_code",
    "self_day",
    "self_initial",
    "self_street",
    "_age_band",
    "went",
    "went--special",
    "times",
    "better",
    "read_aloud",
    "expired",
]
# Signing out would end the admin's session for the examples that follow.
SIGNS_OUT = {"facilitator.logout"}


pytestmark = POSTGRESQL_ONLY


@dataclass
class Site:
    app: Flask
    anonymous: FlaskClient
    admin: FlaskClient
    bearer: dict[str, str]
    code: str
    admin_token: str
    anonymous_token: str
    child_token: str
    rules: list[Rule]


@pytest.fixture
def site(app_each_db: Flask) -> Iterator[Site]:
    """The routes' site on PostgreSQL (the tests say POSTGRESQL_ONLY)."""
    app = app_each_db
    background_work(app).build_export = lambda export_id: None
    background_work(app).process_response = lambda response_id: None
    with app.extensions["database"].session() as session:
        operations.create_user(session, ADMIN, PASSWORD, "admin")
        make_council(session, "Suffolk")
        code = operations.create_distribution(session, "test-child", "Suffolk", "Reviews").code
        token = operations.create_api_token(session, ADMIN)
        session.commit()
    app.test_client_class = HttpsClient
    admin = app.test_client()
    assert sign_in(admin, ADMIN).status_code == 302
    anonymous = app.test_client()
    # A child part way through the survey, so question pages are reached.
    welcome = anonymous.get(f"/s/{code}")
    child_token = csrf_token(welcome.text)
    started = anonymous.post(f"/s/{code}/start", data={"csrf_token": child_token})
    assert started.status_code == 303
    yield Site(
        app,
        anonymous,
        admin,
        {"Authorization": f"Bearer {token}"},
        code,
        csrf_token(admin.get("/facilitator/surveys/test-child").text),
        csrf_token(anonymous.get("/facilitator/login").text),
        child_token,
        sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule),
    )


def nasty_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
        st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20),
    )


def deep_json(depth: int) -> str:
    return '{"format": ' + "[" * depth + "]" * depth + ', "council": "Suffolk"}'


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text()),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FIELDS), children, max_size=3)
    ),
    max_leaves=8,
)


def path_for(rule: Rule, values: dict[str, str]) -> str:
    """The rule's address with each variable replaced by its (percent-encoded) value."""

    def fill(found: re.Match[str]) -> str:
        return quote(values[found.group(1)], safe="")

    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", fill, rule.rule)


def good_value(site: Site, name: str) -> str:
    """A value that names something real, so bad input reaches past the lookups."""
    return {
        "code": site.code,
        "survey_id": "test-child",
        "step": "feel",
        "export_id": "1",
        "personal_code": "KT7M-4PXD",
        "digest": "x",
        "name": "app.css",
        "filename": "robots.txt",
    }.get(name, "x")


def ask(site: Site, rule: Rule, method: str, who: str, request: dict[str, Any]) -> Any:
    client = site.admin if who == "admin" else site.anonymous
    headers = dict(site.bearer) if who == "admin" and rule.rule.startswith("/api/") else {}
    path = path_for(rule, request["path"])
    if request["query"]:
        path += "?" + urlencode(request["query"])
    if who == "admin":
        token = site.admin_token
    else:
        token = site.child_token if rule.rule.startswith("/s/") else site.anonymous_token
    kwargs: dict[str, Any] = {"headers": headers}
    if method == "POST":
        if request["body"] == "json":
            kwargs["data"] = request["json"]
            headers["Content-Type"] = "application/json"
        else:
            kwargs["data"] = {"csrf_token": token, **request["form"]}
    answer = client.open(path, method=method, **kwargs)
    answer.get_data()
    answer.close()
    return answer


@st.composite
def requests_for(draw: st.DrawFn, site: Site, rule: Rule) -> dict[str, Any]:
    path = {
        name: draw(st.one_of(st.just(good_value(site, name)), nasty_text()))
        for name in rule.arguments
    }
    query = draw(st.dictionaries(st.sampled_from(FIELDS), nasty_text(), max_size=3))
    form = draw(st.dictionaries(st.sampled_from(FIELDS) | nasty_text(), nasty_text(), max_size=4))
    body = draw(st.sampled_from(["form", "json"]))
    depth = draw(st.sampled_from([0, 0, 50, 5_000, 20_000]))
    document = deep_json(depth) if depth else json.dumps(draw(json_values))
    return {"path": path, "query": query, "form": form, "body": body, "json": document}


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.mark.parametrize("who", ["admin", "anonymous"])
@FUZZ
@given(data=st.data())
def test_no_route_answers_bad_input_with_a_server_error(site: Site, who: str, data: Any) -> None:
    rules = [rule for rule in site.rules if not (who == "admin" and rule.endpoint in SIGNS_OUT)]
    rule = data.draw(st.sampled_from(rules), label="rule")
    method = data.draw(st.sampled_from(methods_of(rule)), label="method")
    request = data.draw(requests_for(site, rule), label="request")

    answer = ask(site, rule, method, who, request)

    assert answer.status_code < 500, (rule.rule, method, answer.status_code)


def test_every_route_refuses_each_nasty_value_in_every_place_without_a_server_error(
    site: Site,
) -> None:
    """The same, exhaustively for the named values: each in every path slot, then as every
    query field, form field and JSON body."""
    failures = []
    for rule in site.rules:
        for method in methods_of(rule):
            for who in ("admin", "anonymous"):
                if who == "admin" and rule.endpoint in SIGNS_OUT:
                    continue
                good = {name: good_value(site, name) for name in rule.arguments}
                tries = [{**good, name: value} for name in rule.arguments for value in NASTY]
                for path in tries or [good]:
                    request = {"path": path, "query": {}, "form": {}, "body": "form", "json": ""}
                    answer = ask(site, rule, method, who, request)
                    if answer.status_code >= 500:
                        failures.append((rule.rule, method, who, path, answer.status_code))
                for value in [*IN_FIELDS, deep_json(5_000)]:
                    request = {
                        "path": good,
                        "query": dict.fromkeys(FIELDS, value[:300]),
                        "form": dict.fromkeys(FIELDS, value),
                        "body": "form",
                        "json": deep_json(5_000)
                        if value.startswith("{")
                        else json.dumps(dict.fromkeys(FIELDS, value)),
                    }
                    for body in ("form", "json") if method == "POST" else ("form",):
                        answer = ask(site, rule, method, who, {**request, "body": body})
                        if answer.status_code >= 500:
                            failures.append((rule.rule, method, who, value[:20], body))
    assert failures == []
