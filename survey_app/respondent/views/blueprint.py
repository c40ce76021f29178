"""The respondent blueprint and what every one of its pages needs: the distribution, loaded once
per request, the request's session, the language and the templates' context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from ... import operations
from ...db import Database
from ...definitions.languages import direction, language_name, long_date
from ...definitions.model import SurveyDefinition
from ...models import today
from ...operations import DistributionFacts
from ...web import REQUEST_SESSION, db_session, surveys, vault
from .. import cookies, journey
from ..drafts import DraftRow, DraftState, find_draft, find_draft_on, save_draft, save_draft_on

bp = Blueprint("respondent", __name__, url_prefix="/s")

# Registered first, so that a form without its token is refused before anything is loaded.
bp.context_processor(cookies.form_token_for_templates)
bp.before_request(cookies.check_form_token)
bp.after_request(cookies.set_form_cookie)


# Canonical links -----------------------------------------------------------------------------


@bp.url_value_preprocessor
def _canonical_code(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Codes are typed from cards in any case: send the child to the one spelling cookies use."""
    if not values or "code" not in values:
        return
    canonical = operations.normalise_code(values["code"])
    if canonical != values["code"]:
        path = request.path.replace(f"/s/{values['code']}", f"/s/{canonical}", 1)
        query = request.query_string.decode()
        abort(redirect(path + (f"?{query}" if query else ""), 308))


# The request's session -----------------------------------------------------------------------


# Views whose writes must land together: Send (a response, its free text, the draft it came
# from), and the safety views (a concern, its words, its emails, a contact request). Their
# session keeps transactions.
_TRANSACTIONAL = frozenset(
    {"respondent.submit", "respondent.unsafe", "respondent.contact", "respondent.stop"}
)


def page_session() -> Session:
    """This request's session. Every other write on these pages is one statement (a draft made
    or changed), so on PostgreSQL each commits by itself, with no transaction round trips around
    it. Send (`submit`) and the safety views take a session with transactions instead."""
    return db_session(single_statements=request.endpoint not in _TRANSACTIONAL)


def session_when_needed() -> Session | Callable[[], Session]:
    """This request's session if it has one already, else the function that makes it: for a
    view that may need none (Send on PostgreSQL, unless the child raised a concern)."""
    session: Session | None = g.get(REQUEST_SESSION)
    return session if session is not None else page_session


def page_engine() -> Engine:
    """The engine this request's session is (or would be) on."""
    database: Database = current_app.extensions["database"]
    return database.engine


def commit_page() -> None:
    """Commit this request's session, if it made one (a page that wrote its draft on its own
    connection has nothing in a session to commit)."""
    session: Session | None = g.get(REQUEST_SESSION)
    if session is not None:
        session.commit()


# Where a page keeps the pooled connection it took for its draft (`page_driver`).
_PAGE_CONNECTION = "page_connection"


def page_driver() -> Any | None:
    """A psycopg connection in autocommit for this page's draft, on PostgreSQL, when the page
    has no session: taken from the pool once for the request and given back when it ends.
    Every step of the survey reads the draft and most write it, one statement each, and a
    session's transaction and isolation bookkeeping cost more CPU than the statements. None
    (use the session) off PostgreSQL, on the transactional views, and once a session exists.
    """
    if REQUEST_SESSION in g or request.endpoint in _TRANSACTIONAL:
        return None
    if _PAGE_CONNECTION not in g:
        database: Database = current_app.extensions["database"]
        pooled = None
        if database.engine.dialect.name == "postgresql":
            pooled = database.engine.raw_connection()  # the pool tests it if it sat idle
            pooled.driver_connection.autocommit = True  # type: ignore[union-attr]
        setattr(g, _PAGE_CONNECTION, pooled)
    pooled = g.get(_PAGE_CONNECTION)
    return None if pooled is None else pooled.driver_connection


@bp.teardown_request
def _give_back_page_connection(_error: BaseException | None = None) -> None:
    pooled = g.pop(_PAGE_CONNECTION, None)
    if pooled is None:
        return
    driver = pooled.driver_connection
    if driver is not None and not driver.closed:
        driver.autocommit = False  # as the pool hands connections to sessions
    pooled.close()  # back to the pool


# The distribution, loaded once per request -----------------------------------------------------


# Pages shown only while the survey is open; the rest (thanks, keeping a code, and the safety
# pages, which never turn away a child who is not safe) work after it closes.
_ONLY_WHILE_OPEN = frozenset(
    {
        "respondent.welcome",
        "respondent.start",
        "respondent.question",
        "respondent.check",
        "respondent.submit",
    }
)


@bp.before_request
def _load_distribution() -> Response | None:
    """Put this page's distribution and survey in `g` (404 if either is unknown), or answer with
    the closed page on the pages that are only for an open survey."""
    # The request and the app looked up once, not through their proxies at every use.
    this_request = request._get_current_object()  # type: ignore[attr-defined]
    if this_request.method == "OPTIONS" and getattr(
        this_request.url_rule, "provide_automatic_options", False
    ):
        return None  # Flask answers these itself, without running the view
    code = (this_request.view_args or {}).get("code")
    if code is None:
        return None
    extensions = current_app.extensions
    cache: operations.DistributionFactsCache = extensions["distribution_facts"]
    # Kept facts need no session: a page that reads nothing else (no draft) makes none.
    distribution = cache.kept(code) or cache.get(page_session(), code)
    if distribution is None:
        abort(404)
    definition = surveys(page_session).get(distribution.survey_id)
    if definition is None:
        abort(404)
    this_g = g._get_current_object()  # type: ignore[attr-defined]
    this_g.distribution = distribution
    this_g.definition = definition
    if this_request.endpoint in _ONLY_WHILE_OPEN:
        return _closed_page(distribution, definition)
    return None


def loaded() -> tuple[DistributionFacts, SurveyDefinition]:
    """This page's distribution and survey, as `_load_distribution` found them."""
    this_g = g._get_current_object()  # type: ignore[attr-defined]
    return this_g.distribution, this_g.definition


def _closed_page(distribution: DistributionFacts, definition: SurveyDefinition) -> Response | None:
    day = today()
    if distribution.is_open_on(day):
        return None
    language = language_for(definition)
    page = context(definition, distribution, language)
    t = page["t"]
    if distribution.opens_on and day < distribution.opens_on:
        # Cards are printed before the meeting: the child is told the day it opens, in their
        # language, and nothing about closing. It is not gone (410), just not yet open.
        opens = long_date(distribution.opens_on, language)
        status = 200
        if all(
            journey.has_words(definition, k, language) for k in ("not_yet_open_title", "opens_on")
        ):
            heading, message = t("not_yet_open_title"), t("opens_on", date=opens)
        else:
            # A survey written before those words: its own sentence, and the day in its language.
            heading, message = t("not_yet_open_text"), opens
    else:
        heading, message, status = t("closed_title"), t("closed_text"), 410
    body = render_template("respondent/closed.html", **page, heading=heading, message=message)
    return make_response(body, status)


# The draft, the language and the templates' context ----------------------------------------------


def this_draft(distribution: DistributionFacts) -> DraftRow | None:
    """The draft this browser started on this distribution, if it is still kept."""
    driver = page_driver()
    if driver is not None:
        return find_draft_on(driver, distribution.id, cookies.draft_token())
    return find_draft(page_session(), distribution.id, cookies.draft_token())


def keep_draft(draft: DraftRow, state: DraftState) -> None:
    """Seal and write this page's draft (one statement: it commits by itself on PostgreSQL;
    elsewhere `commit_page` commits it)."""
    _distribution, definition = loaded()
    sendable = journey.sendable_version(definition, state.answers, state.concerns)
    driver = page_driver()
    if driver is not None:
        save_draft_on(driver, vault(), draft, state, sendable)
    else:
        save_draft(page_session(), vault(), draft, state, sendable)


def language_for(definition: SurveyDefinition, draft: DraftRow | None = None) -> str:
    """The language asked for, else the draft's, else English."""
    asked = request.args.get("lang") or request.form.get("lang")
    if asked in definition.languages:
        return asked
    if draft is not None and draft.language in definition.languages:
        return draft.language
    return "en"


def step_url(code: str, step: str) -> str:
    """The page of one step of the survey."""
    return url_for(".question", code=code, step=step)


def context(
    definition: SurveyDefinition, distribution: DistributionFacts, language: str, **extra: Any
) -> dict[str, Any]:
    """What every respondent template is given (the bare bench app renders with it too)."""

    def t(key: str, **values: Any) -> str:
        return journey.words(definition, key, language, **values)

    def has_t(key: str) -> bool:
        """Whether the survey has these (optional, newer) words in the page's language."""
        return journey.has_words(definition, key, language)

    def other_languages() -> list[tuple[str, str]]:
        return [(code, language_name(code)) for code in definition.languages if code != language]

    return {
        "definition": definition,
        "distribution": distribution,
        "unsafe_action": (
            url_for("respondent.unsafe", code=distribution.code)
            if definition.is_for_children
            else None
        ),
        "here": _here(),
        "language": language,
        "direction": direction(language),
        "t": t,
        "has_t": has_t,
        "error_prefix": journey.error_prefix(definition, language),
        "other_languages": other_languages(),
        "for_children": definition.is_for_children,
        "read_aloud": False,
        "read_aloud_offer": False,
        **extra,
    }


def _here() -> str:
    """Where the child is, for the "I don't feel safe" control to bring them back to."""
    if request.endpoint == "respondent.question":
        return str((request.view_args or {}).get("step", ""))
    return {"respondent.check": "check", "respondent.thanks": "thanks"}.get(
        request.endpoint or "", ""
    )
