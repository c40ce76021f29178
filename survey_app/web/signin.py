"""Signing in to the staff pages: the facilitator blueprint's door, the login manager, where to
go after signing in (`safe_next`), signing in and out."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import LoginManager, current_user, login_user, logout_user

from .. import operations
from ..inputs import is_single_line
from ..models import Role, User
from ..throttle import SignInThrottle
from . import db_session

# The facilitators' and council leads' pages; their views are in `distributions` and
# `results` adds the downloads. Registered by `distributions.init_app`, once all are added.
bp = Blueprint("facilitator", __name__, url_prefix="/facilitator")
login_manager = LoginManager()
login_manager.login_view = "facilitator.login"
login_manager.login_message = "Sign in to see that page."
login_manager.session_protection = "basic"


def init_app(app: Flask) -> None:
    """Sign-in for every staff page, the per-client throttle, and `/` sending people home."""
    # Templates get `current_user` as the lazy proxy, not Flask-Login's processor, which loads
    # the user (session, cookies, identifier hash) for every page drawn, though only staff
    # pages ever read it: a child's page no longer pays for it.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(_current_user_for_templates)
    app.extensions["sign_in_throttle"] = SignInThrottle(
        str(app.config["SECRET_KEY"]),
        str(app.config["LOGIN_THROTTLE_STORAGE"]),
        int(app.config["LOGIN_CLIENT_MAX_FAILURES"]),
        int(app.config["LOGIN_CLIENT_WINDOW_MINUTES"]),
    )
    app.add_url_rule("/", "home", lambda: redirect(home()))


def home() -> str:
    """Where a signed-in person starts: a safeguarding lead sees only the concerns."""
    if current_user.is_authenticated and current_user.role == Role.SAFEGUARDING_LEAD:
        return url_for("safeguarding.concerns_list")
    return url_for("facilitator.index")


@bp.before_request
def _not_for_safeguarding_leads() -> None:
    # A safeguarding lead reads concerns, not research data: the rest of this area does not
    # exist for them (404, like anything else they may not see).
    if (
        current_user.is_authenticated
        and current_user.role == Role.SAFEGUARDING_LEAD
        and request.endpoint not in ("facilitator.login", "facilitator.logout")
    ):
        abort(404)


def _current_user_for_templates() -> dict[str, Any]:
    return {"current_user": current_user}


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    # The id carries the account's session version: a session ended on the server (sign-out,
    # new password, deactivation) is refused even if its cookie is sent again.
    return operations.user_for_session(db_session(), session_id)


def safe_next(target: str | None) -> str:
    """Only ever redirect within this site after signing in."""
    fallback = home()
    if not target:
        return fallback
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not is_single_line(target)
    ):
        return fallback
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home())
    error = None
    email = ""
    throttle: SignInThrottle = current_app.extensions["sign_in_throttle"]
    client = request.remote_addr or ""
    if request.method == "POST" and not throttle.allows(client):
        # Many failures from this client, whichever accounts (password spraying).
        error = (
            f"Too many failed sign-ins from this device. Try again in {throttle.minutes} minutes."
        )
        return _login_page(error, ""), 429
    if request.method == "POST":
        email = request.form.get("email", "")
        try:
            user = operations.authenticate(
                db_session(),
                email,
                request.form.get("password", ""),
                int(current_app.config["LOGIN_MAX_FAILURES"]),
                dt.timedelta(minutes=int(current_app.config["LOGIN_LOCKOUT_MINUTES"])),
            )
        except operations.LoginRefused as refused:
            db_session().commit()
            throttle.failed(client)
            error = str(refused)
        else:
            db_session().commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
    body = _login_page(error, email)
    return (body, 200) if error is None else (body, 401)


def _login_page(error: str | None, email: str) -> str:
    """The sign-in form, with what was typed and, after a refusal, why (beside the email box,
    in the error summary every staff form uses)."""
    problem = operations.OperationError(error, field="email") if error else None
    return render_template("facilitator/login.html", problem=problem, email=email)


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        # Ends the session on the server too: its cookie, replayed, no longer signs anyone in.
        operations.end_sessions(current_user)
        db_session().commit()
    logout_user()
    return redirect(url_for(".login"))
