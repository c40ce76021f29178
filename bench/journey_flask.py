"""The comparison target for the child-journey benchmark: a bare Flask app that walks a child
through a survey with the real app's templates and stores the same encrypted draft row.

Served by gunicorn like the real app (`gunicorn --workers 2 --pythonpath bench
journey_flask:app`). On every step it does what any implementation must: find the draft by the
hash of its cookie, decrypt it (Fernet), check the page's answers with the survey's own rules
(`journey.parse_page`), encrypt and write it back, and render the same Jinja templates with the
same context, gzip-compressed as the real app sends them. What it leaves out is what the real
app adds on top: the ORM and its pool, CSRF, security headers, Flask's session, canonical codes,
expiry and closed-survey checks, and the broker (a submit inserts one row). Settings come from
BENCH_CEILING_DSN, BENCH_SURVEY_DIR and BENCH_TEXT_KEY.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from typing import Any

import psycopg
from cryptography.fernet import Fernet
from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for

from survey_app.crypto import new_token, token_hash
from survey_app.definitions import SurveyDefinition, load_directory
from survey_app.operations import DistributionFacts
from survey_app.respondent import journey
from survey_app.respondent.views.blueprint import context
from survey_app.respondent.views.questions import progress_words, questions_for
from survey_app.respondent.views.survey import summary

TEMPLATES = os.path.join(os.path.dirname(__file__), "..", "survey_app", "templates")
app = Flask(__name__, template_folder=TEMPLATES)
app.jinja_env.trim_blocks = True
app.jinja_env.lstrip_blocks = True
app.jinja_env.globals["asset_url"] = lambda name: f"/assets/{name}"
# The templates' form token; this target checks none.
app.jinja_env.globals["form_token"] = lambda: "bare"
bp = Blueprint("respondent", __name__, url_prefix="/s")  # the endpoint names the templates use

SURVEYS: dict[str, SurveyDefinition] = load_directory(os.environ["BENCH_SURVEY_DIR"])
FERNET = Fernet(os.environ["BENCH_TEXT_KEY"])
_connection: psycopg.Connection[Any] | None = None
_distributions: dict[str, DistributionFacts] = {}


def _database() -> psycopg.Connection[Any]:
    """One connection per worker process, made after gunicorn forks."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_CEILING_DSN"], autocommit=True)
    return _connection


def _load(code: str) -> tuple[DistributionFacts, SurveyDefinition]:
    if code not in _distributions:
        row = (
            _database()
            .execute(
                "select id, code, survey_id, council_id, opens_on, closes_on, wave "
                "from distributions where code = %s",
                (code,),
            )
            .fetchone()
        )
        assert row is not None
        _distributions[code] = DistributionFacts(*row)
    distribution = _distributions[code]
    return distribution, SURVEYS[distribution.survey_id]


def _read_draft() -> tuple[int, dict[str, Any]] | None:
    token = request.cookies.get("draft")
    if not token:
        return None
    row = (
        _database()
        .execute(
            "select id, sealed_answers from drafts where token_hash = %s", (token_hash(token),)
        )
        .fetchone()
    )
    if row is None:
        return None
    return row[0], json.loads(FERNET.decrypt(bytes(row[1])))


def _seal(state: dict[str, Any]) -> bytes:
    return FERNET.encrypt(json.dumps(state, separators=(",", ":")).encode())


@bp.get("/<code>")
def welcome(code: str) -> str:
    distribution, definition = _load(code)
    return render_template(
        "respondent/welcome.html",
        **context(
            definition,
            distribution,
            "en",
            has_draft=False,
            read_aloud_offer=True,
            wave_words=journey.wave_words(definition, distribution.wave, "en"),
            introduction=journey.paragraphs(definition.introduction.get("en")),
            privacy_pieces=journey.paragraphs(definition.privacy.get("en"))
            if definition.privacy
            else [],
        ),
        expired=False,
    )


@bp.post("/<code>/start")
def start(code: str) -> Response:
    distribution, definition = _load(code)
    token = new_token()
    _database().execute(
        "insert into drafts (token_hash, distribution_id, sealed_answers, language, read_aloud, "
        "expires_at) values (%s, %s, %s, 'en', false, %s)",
        (
            token_hash(token),
            distribution.id,
            _seal({"answers": {}, "seen": []}),
            dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=24),
        ),
    )
    response = redirect(url_for(".question", code=code, step=journey.steps(definition, {})[0]), 303)
    response.set_cookie("draft", token, path=f"/s/{code}", httponly=True, samesite="Lax")
    return response


@bp.route("/<code>/q/<step>", methods=["GET", "POST"])
def question(code: str, step: str) -> Response | str:
    distribution, definition = _load(code)
    found = _read_draft()
    assert found is not None
    draft_id, state = found
    answers = state["answers"]
    if request.method == "POST":
        if step == journey.AGE_STEP:
            chosen, errors = journey.parse_age(definition, request.form, "en")
            assert not errors, errors
            answers[journey.AGE_KEY] = chosen
        else:
            page = journey.page_for(definition, step)
            assert page is not None
            given, blank, errors = journey.parse_page(definition, page, answers, request.form, "en")
            assert not errors, errors
            answers.update(given)
            for question_id in blank:
                answers.pop(question_id, None)
        state["answers"] = answers = journey.prune(definition, answers)
        if step not in state["seen"]:
            state["seen"].append(step)
        _database().execute(
            "update drafts set sealed_answers = %s where id = %s", (_seal(state), draft_id)
        )
        _, after = journey.neighbours(definition, step, answers)
        target = (
            url_for(".question", code=code, step=after) if after else url_for(".check", code=code)
        )
        return redirect(target, 303)
    before, _ = journey.neighbours(definition, step, answers)
    return render_template(
        "respondent/question.html",
        **context(definition, distribution, "en"),
        values=dict(answers),
        errors=[],
        error_for={},
        progress=progress_words(
            definition, "en", journey.progress(definition, step, answers, state["seen"])
        ),
        back_url=url_for(".question", code=code, step=before)
        if before
        else url_for(".welcome", code=code),
        action=url_for(".question", code=code, step=step),
        step=step,
        questions=questions_for(definition, step, answers, "en"),
    )


@bp.get("/<code>/check")
def check(code: str) -> str:
    distribution, definition = _load(code)
    found = _read_draft()
    assert found is not None
    answers = found[1]["answers"]
    order = journey.steps(definition, answers)
    return render_template(
        "respondent/check.html",
        **context(definition, distribution, "en"),
        summary=summary(definition, answers, "en", code),
        back_url=url_for(".question", code=code, step=order[-1]),
    )


@bp.post("/<code>/submit")
def submit(code: str) -> Response:
    found = _database().execute(
        "delete from drafts where token_hash = %s returning sealed_answers",
        (token_hash(request.cookies.get("draft", "")),),
    )
    row = found.fetchone()
    if row is not None:
        answers = json.loads(FERNET.decrypt(bytes(row[0])))["answers"]
        _database().execute(
            "insert into bench_ceiling (payload) values (%s)", (json.dumps(answers),)
        )
    response = redirect(url_for(".thanks", code=code), 303)
    response.delete_cookie("draft", path=f"/s/{code}")
    return response


@bp.post("/<code>/unsafe")
def unsafe(code: str) -> Response:
    """Only so the pages' "I don't feel safe" form has its address (no walker presses it)."""
    return redirect(url_for(".welcome", code=code), 303)


@bp.get("/<code>/thanks")
def thanks(code: str) -> str:
    distribution, definition = _load(code)
    return render_template(
        "respondent/thanks.html",
        **context(definition, distribution, "en"),
        personal_code=None,
        keep_qr=None,
    )


@app.get("/")
def root() -> str:
    return "journey ceiling ready\n"


@app.after_request
def _compress(response: Response) -> Response:
    """gzip HTML as the real app does, so both send a phone the same bytes."""
    if (
        response.mimetype == "text/html"
        and "gzip" in request.headers.get("Accept-Encoding", "")
        and response.content_length
        and response.content_length >= 600
    ):
        response.set_data(gzip.compress(response.get_data(), compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


app.register_blueprint(bp)
