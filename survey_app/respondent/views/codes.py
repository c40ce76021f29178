"""A practitioner's personal code, kept on the phone they will answer the next wave on."""

from __future__ import annotations

from flask import abort, make_response, render_template, url_for
from werkzeug.wrappers import Response

from .. import cookies
from ..linking import display_code, normalise_personal_code
from .blueprint import bp, context, language_for, loaded


@bp.get("/<code>/keep-code/<personal_code>")
def keep_code(code: str, personal_code: str) -> str:
    """Opened from the QR on the thank-you page, on the phone to be used next time: shows the
    code and asks its owner to keep it (a link alone keeps nothing)."""
    distribution, definition = loaded()
    if not definition.waves:
        abort(404)
    return render_template(
        "respondent/keep_code.html",
        **context(definition, distribution, language_for(definition)),
        personal_code=display_code(personal_code),
        action=url_for(".keep_code_confirmed", code=code, personal_code=personal_code),
    )


@bp.post("/<code>/keep-code/<personal_code>")
def keep_code_confirmed(code: str, personal_code: str) -> Response:
    """The owner pressed "Keep my code" (the form token shows it was pressed on this page)."""
    distribution, definition = loaded()
    if not definition.waves or not normalise_personal_code(personal_code):
        abort(404)
    response = make_response(
        render_template(
            "respondent/kept.html",
            **context(definition, distribution, language_for(definition)),
            personal_code=display_code(personal_code),
        )
    )
    cookies.keep_code(response, definition, personal_code)
    return response
