"""The admins' page of councils: every council, adding one and renaming one.

Councils are managed records: every other form picks one from a list, so a typo can never make
a new council. Everyone else gets a 404, as if the page did not exist.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from .. import operations
from ..models import Council, Role
from . import db_session, forms

bp = Blueprint("councils", __name__, url_prefix="/facilitator/councils")


def init_app(app: Flask) -> None:
    """Register the admins' councils page."""
    app.register_blueprint(bp)


@bp.before_request
@login_required
def _admins_only() -> None:
    if current_user.role != Role.ADMIN:
        abort(404)


def _page(
    typed: dict[str, str] | None = None,
    problem: operations.OperationError | None = None,
    renaming: int | None = None,
) -> str:
    """The councils page; after a refused change, with what was typed and why (renaming: the
    council whose rename was refused, None for the "add a council" form)."""
    return render_template(
        "facilitator/councils.html",
        councils=operations.all_councils(db_session()),
        typed=typed or {},
        problem=problem,
        renaming=renaming,
    )


@bp.get("/")
def list_councils() -> str:
    """Every council, the form to add one and a rename box for each."""
    return _page()


@bp.post("/")
def create_council() -> ResponseReturnValue:
    """Add the council named in the form; refused with the problem beside the name box."""
    try:
        council = operations.create_council(db_session(), request.form.get("name", ""))
    except operations.OperationError as problem:
        return forms.shown_again(problem, request.form, lambda typed, why: _page(typed, why))
    db_session().commit()
    flash(f"Council {council.name} added.", "done")
    return redirect(url_for(".list_councils"), 303)


@bp.post("/<int:council_id>/rename")
def rename_council(council_id: int) -> ResponseReturnValue:
    """Rename one council; refused with the problem beside that council's box."""
    council = db_session().get(Council, council_id)
    if council is None:
        abort(404)
    old_name = council.name
    try:
        operations.rename_council_to(db_session(), council, request.form.get("name", ""))
    except operations.OperationError as problem:
        return forms.shown_again(
            problem, request.form, lambda typed, why: _page(typed, why, council_id)
        )
    db_session().commit()
    flash(f"Council {old_name} renamed to {council.name}.", "done")
    return redirect(url_for(".list_councils"), 303)
