"""Staff forms refused with a problem: shown again with what was typed, the problem in an error
summary linked to its field (the macros in `facilitator/_form_errors.html`)."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.datastructures import MultiDict

from .. import operations
from ..inputs import normalise_text
from . import db_session

# Refused forms answer 400: the page is the form again, not a success.
REFUSED = 400


def typed_values(form: MultiDict[str, str]) -> dict[str, str]:
    """The form's values as typed (cleaned like every input), to fill the form in again."""
    return {name: normalise_text(value) for name, value in form.items() if name != "csrf_token"}


def shown_again(
    problem: operations.OperationError,
    form: MultiDict[str, str],
    page: Callable[[dict[str, str], operations.OperationError], str],
) -> tuple[str, int]:
    """Undo what the refused request changed, then page with what was typed and the problem
    (not a redirect, which would lose both)."""
    db_session().rollback()
    return page(typed_values(form), problem), REFUSED
