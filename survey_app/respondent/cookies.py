"""The respondent's cookies (draft, form token, visit, kept personal code) and their CSRF check.

A child's phone gets no session cookie at all: only the form cookie and, once started, the
draft cookie. Every one is HttpOnly, SameSite=Lax, Secure outside the demo and path-scoped.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from typing import Any

from cryptography.fernet import InvalidToken
from flask import current_app, g, request
from flask_wtf.csrf import CSRFError
from werkzeug.http import dump_cookie
from werkzeug.wrappers import Response

from ..crypto import new_token
from ..definitions.model import SurveyDefinition
from ..web import vault
from .linking import display_code, normalise_personal_code

DRAFT_COOKIE = "draft"
FORM_COOKIE = "form"
# Remembers (sealed) the concern a visit raised before or after it had a draft, so pressing
# "I don't feel safe" again does not alert the lead twice. Its name says nothing to whoever
# looks through the phone. Short-lived and dropped on Send, because phones and tablets at a
# meeting are shared: the next child's words must not join this child's concern.
VISIT_COOKIE = "visit"
VISIT_SECONDS = 30 * 60


def _survey_path(code: str) -> str:
    return f"/s/{code}"


@functools.lru_cache(maxsize=1024)
def _deleted_cookie(name: str, path: str) -> str:
    # The Set-Cookie line `Response.delete_cookie` writes, made once per survey: Send drops two
    # cookies on every submit, and building the line each time cost more than its checks.
    return dump_cookie(name, expires=0, max_age=0, path=path)


def delete_cookie(response: Response, name: str, path: str) -> None:
    """Drop a cookie, as `Response.delete_cookie(name, path=path)` does."""
    response.headers.add("Set-Cookie", _deleted_cookie(name, path))


def set_private_cookie(response: Response, name: str, value: str, seconds: int, path: str) -> None:
    """Every respondent cookie: HttpOnly, SameSite=Lax, Secure outside the demo, path-scoped."""
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=path,
        secure=current_app.config["SECURE_COOKIES"],
        httponly=True,
        samesite="Lax",
    )


def draft_seconds() -> int:
    """How long a draft (and the cookies that go with it) is kept."""
    return int(current_app.config["DRAFT_LIFETIME_HOURS"]) * 3600


# The form token: a signed double-submit ------------------------------------------------------


def _form_secret() -> str:
    secret = request.cookies.get(FORM_COOKIE, "")
    if not 16 <= len(secret) <= 64:
        if "new_form_secret" not in g:
            g.new_form_secret = new_token(18)
        secret = g.new_form_secret
    return secret


def _form_signature(secret: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"respondent-form:{secret}".encode(), hashlib.sha256).hexdigest()


def form_token_for_templates() -> dict[str, Any]:
    """The templates' `form_token()`: the HMAC of this browser's form cookie (made if new)."""
    return {"form_token": lambda: _form_signature(_form_secret())}


def check_form_token() -> None:
    """Signed double-submit: the form must carry the HMAC of this browser's form cookie."""
    this_request = request._get_current_object()  # type: ignore[attr-defined]
    if this_request.method != "POST":
        return
    secret = this_request.cookies.get(FORM_COOKIE, "")
    sent = this_request.form.get("csrf_token", "")
    if not secret or not hmac.compare_digest(sent, _form_signature(secret)):
        raise CSRFError("The form token is missing or does not match.")


def set_form_cookie(response: Response) -> Response:
    """Give the browser the form cookie its page's token was made from, if it was new."""
    secret = g.pop("new_form_secret", None)
    if not secret:
        return response  # the browser's own form cookie was used (every post, Send's too)
    code = (request.view_args or {}).get("code")
    if code:
        set_private_cookie(response, FORM_COOKIE, secret, draft_seconds(), _survey_path(code))
    return response


# The draft ------------------------------------------------------------------------------------


def draft_token() -> str | None:
    """The token of the draft this browser started, if it has one."""
    return request.cookies.get(DRAFT_COOKIE)


def set_draft_cookie(response: Response, code: str, token: str) -> None:
    """Let this browser find the draft it started, on this survey's pages only."""
    set_private_cookie(response, DRAFT_COOKIE, token, draft_seconds(), _survey_path(code))


def forget_draft(response: Response, code: str) -> None:
    """Drop the draft cookie (the draft was sent or stopped)."""
    delete_cookie(response, DRAFT_COOKIE, _survey_path(code))


# The visit's concern --------------------------------------------------------------------------


def visit_concerns() -> list[int]:
    """The concern remembered by this phone's visit cookie, if it is one we sealed."""
    sealed = request.cookies.get(VISIT_COOKIE, "")
    if not sealed or len(sealed) > 500:
        return []
    try:
        return [int(vault().open(sealed.encode()))]
    except (InvalidToken, ValueError):
        return []


def remember_concern(response: Response, code: str, concern_id: int) -> None:
    """Remember, sealed and for a short while, the concern this visit raised."""
    sealed = vault().seal(str(concern_id)).decode()
    set_private_cookie(response, VISIT_COOKIE, sealed, VISIT_SECONDS, _survey_path(code))


def forget_visit(response: Response, code: str) -> None:
    """Drop the visit cookie (the survey was sent: the next child starts afresh)."""
    delete_cookie(response, VISIT_COOKIE, _survey_path(code))


# A practitioner's kept personal code ------------------------------------------------------------


def _code_cookie(definition: SurveyDefinition) -> str:
    return f"code-{definition.id}"


def _code_signature(definition: SurveyDefinition, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"kept-personal-code:{definition.id}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def keep_code(response: Response, definition: SurveyDefinition, code: str) -> None:
    """Keep the personal code on this device (only here) so the next wave can fill it in.

    Only after Send or the owner's own "Keep my code": signed, so that no cookie put there any
    other way (e.g. by a link, before keeping needed a press) is ever read back.
    """
    normal = normalise_personal_code(code)
    value = f"{normal}.{_code_signature(definition, normal)}"
    set_private_cookie(response, _code_cookie(definition), value, 400 * 86400, "/s")


def kept_code(definition: SurveyDefinition) -> str | None:
    """The personal code this device keeps for the survey, if the server kept it."""
    normal, _, signature = request.cookies.get(_code_cookie(definition), "").partition(".")
    if not normal or not hmac.compare_digest(signature, _code_signature(definition, normal)):
        return None
    return display_code(normal)
