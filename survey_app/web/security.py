"""Protections on every request and response: addresses and bodies no page could mean are
refused with a 4xx, CSRF, security headers, compression, error pages."""

from __future__ import annotations

import gzip
from typing import Any

from flask import Flask, Request, Response, abort, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map
from werkzeug.sansio.http import parse_cookie
from werkzeug.utils import cached_property

from ..inputs import has_control_characters, is_single_line

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/csv",
    "application/json",
    "image/svg+xml",
    "application/javascript",
    "text/plain",
}
MINIMUM_TO_COMPRESS = 600


class _SessionWhenSent(SecureCookieSessionInterface):
    """Flask's signed-cookie session, but a request without a session cookie (every page a
    child sees: only staff sign in) gets an empty session without building the cookie signer,
    which cost the submit handler more than its own checks."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:
            # Nothing to write or delete. A session looked at (Flask-Login looks on every
            # request) still makes the page vary on cookies, as Flask says; added here without
            # parsing a Vary header the response does not have.
            if session.accessed:
                if "Vary" in response.headers:
                    response.vary.add("Cookie")
                else:  # known to be absent: added, without looking through them again
                    response.headers.add("Vary", "Cookie")
            return
        super().save_session(app, session, response)


class _Request(Request):
    """Flask's request, reading the Cookie header straight from the WSGI environ (werkzeug finds
    it by naming every header of the request first, which cost every page, Send's included,
    more than reading its cookies did): the same cookies, parsed the same way."""

    @cached_property
    def cookies(self) -> ImmutableMultiDict[str, str]:
        return parse_cookie(  # type: ignore[return-value]
            self.environ.get("HTTP_COOKIE", ""), cls=self.dict_storage_class
        )


# Ids are PostgreSQL `integer` columns: a larger number in an address names nothing.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: only ids a database row can have (larger ones are a 404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class JSONProvider(DefaultJSONProvider):
    """JSON nested too deeply to read is a body that is not valid JSON (a 400), not a crash."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON is nested too deeply.") from None


def init_app(app: Flask) -> None:
    """Before any route is added: ids and JSON bodies read safely; sessions built only when
    sent."""
    app.request_class = _Request
    app.session_interface = _SessionWhenSent()
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.url_value_preprocessor(_refuse_control_characters)
    csrf.init_app(app)
    app.after_request(_headers)
    app.after_request(_compress)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def _refuse_control_characters(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """No address holds control characters: such a path names nothing (404) and such a query
    is not understood (400), before any page looks them up in the database."""
    if not is_single_line(request.path):
        abort(404)
    if not request.query_string:
        return  # no query (Send's, and most posts): nothing to parse into arguments
    for key, value in request.args.items(multi=True):
        if has_control_characters(key) or has_control_characters(value):
            abort(400, description="The address holds characters it cannot contain.")


# Set on every response, replacing whatever a view set: (name, its lower case, value).
ALWAYS = tuple(
    (name, name.lower(), value)
    for name, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    )
)


def _headers(response: Response) -> Response:
    headers = response.headers
    # One look through the headers a view set, then appends: setting each by name looked
    # through them all again, header by header, on every response.
    present = {name.lower() for name, _value in headers}
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    for name, lower, value in ALWAYS:
        if lower in present:
            headers[name] = value
        else:
            headers.add(name, value)
    if request.is_secure:
        _replace(headers, present, "Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html":
        # Pages may hold a child's answers: never keep them in shared caches or history.
        _replace(headers, present, "Cache-Control", "no-store")
    return response


def _replace(headers: Headers, present: set[str], name: str, value: str) -> None:
    """Set header name to value, as `headers[name] = value` does (which looks through them all
    to find it): appended when the view did not set it."""
    if name.lower() in present:
        headers[name] = value
    else:
        headers.add(name, value)


def _compress(response: Response) -> Response:
    """gzip text responses, so a child's first page arrives in a few kilobytes."""
    if (
        response.mimetype not in COMPRESSIBLE
        or response.direct_passthrough
        or response.is_streamed
        # A body already in memory and too short to be worth it (every redirect, Send's
        # included) is known without looking through the headers again.
        or (
            response.is_sequence
            and (response.calculate_content_length() or 0) < MINIMUM_TO_COMPRESS
        )
        or "Content-Encoding" in response.headers
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    body = response.get_data()
    if len(body) < MINIMUM_TO_COMPRESS:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


# Children's pages: plain words, and Childline below every error.
MESSAGES = {
    400: (
        "Something was not right",
        "The page could not understand what was sent. Go back and try again.",
    ),
    404: (
        "Page not found",
        "We could not find this page. If you typed the link from a card, "
        "check it letter by letter.",
    ),
    405: ("Page not found", "We could not find this page."),
    413: ("That is too long", "What you sent is too long. Go back, shorten it and try again."),
}
CHILD_EXPIRED = (
    "This page has expired",
    "For your safety this page could not be sent. Go back, reload the page and try again. "
    "Answers you already sent are kept.",
)
SOMETHING_WENT_WRONG = ("Something went wrong", "Please try again later.")


# Staff pages' errors: the staff layout, no Childline (that is for children), and a way back.
STAFF_MESSAGES = {
    400: (
        "Something was not right",
        "The page could not understand what was sent. Go back, reload the page and try again.",
    ),
    403: (
        "You cannot do that",
        "Your account does not allow this. Ask an admin if your work needs it.",
    ),
    404: (
        "Page not found",
        "There is no page at this address, or it belongs to a council you do not work for. "
        "Check the address, or start again from the list of surveys.",
    ),
    405: ("Page not found", "There is no page at this address."),
    410: (
        "This is no longer here",
        "What you asked for has expired or been deleted. Start again from the list of surveys.",
    ),
    413: (
        "That is too long",
        "What you sent is too large. Go back, make it shorter and try again.",
    ),
    429: (
        "Too many tries",
        "Too many requests came from this device in a short time. Wait a few minutes, then try "
        "again.",
    ),
    500: (
        "Something went wrong",
        "The service could not do that just now. Try again in a few minutes; if it keeps "
        "happening, tell whoever runs the service.",
    ),
}
STAFF_EXPIRED = (
    "This form has expired",
    "For your security the form could not be sent: it was open too long, or you signed in or "
    "out elsewhere since. Go back, reload the page and try again.",
)
# The staff's areas: everything under these is a staff page (sign-in included).
STAFF_AREAS = ("/facilitator", "/safeguarding")


def is_staff_path(path: str) -> bool:
    """Whether path is a staff page, whose errors use the staff layout without Childline: the
    one rule for every error page (the API answers in JSON instead, `is_api_path`)."""
    return any(path == area or path.startswith(f"{area}/") for area in STAFF_AREAS)


def is_api_path(path: str) -> bool:
    """Whether path is read by programs (the API, the health check): errors in JSON."""
    return path.startswith("/api/") or path == "/healthz"


def _error_page(code: int, child: tuple[str, str], staff: tuple[str, str]) -> tuple[str, int]:
    """The error page for this request's audience: staff's layout and words on staff pages,
    the children's (with Childline) everywhere else."""
    if not is_staff_path(request.path):
        title, message = child
        return render_template("error.html", title=title, message=message), code
    title, message = staff
    safeguarding = request.path.startswith("/safeguarding")
    return render_template(
        "staff_error.html",
        title=title,
        message=message,
        home="/safeguarding/concerns" if safeguarding else "/facilitator/",
        home_words="Go to the concerns" if safeguarding else "Go to the list of surveys",
    ), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _error_page(400, CHILD_EXPIRED, STAFF_EXPIRED)


def _http_error(error: HTTPException) -> tuple[str, int] | Response:
    code = error.code or 500
    if is_api_path(request.path):
        if error.response is not None:  # a response the view built itself (e.g. the 401)
            return error.response  # type: ignore[return-value]
        answer = jsonify(error=error.description or error.name)
        answer.status_code = code
        return answer
    child = MESSAGES.get(code, SOMETHING_WENT_WRONG)
    return _error_page(code, child, STAFF_MESSAGES.get(code, child))
