"""Pages a child or practitioner answers on: one question a page, no script needed."""

from __future__ import annotations

from flask import Flask

from ...web.security import csrf
from . import codes, questions, safety, survey, you_said
from .blueprint import bp

# Each module adds its pages to the one blueprint when imported.
PAGES = (survey, questions, codes, safety, you_said)


def init_app(app: Flask) -> None:
    """Register the respondent's pages."""
    # These pages carry their own CSRF check (respondent/cookies.py) so that a child's phone
    # gets no session cookie at all: only the form cookie and, once started, the draft cookie.
    csrf.exempt(bp)
    app.register_blueprint(bp)
