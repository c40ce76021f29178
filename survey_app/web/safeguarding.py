"""Pages for safeguarding leads (and admins): the concerns of their council, each one's words,
reasons and other answers, and acknowledging and closing them. Every view and action is audited.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import operations
from ..access import council_scope
from ..models import Concern, ConcernStatus, Role, User, utcnow
from ..safeguarding import alerts, casework, concerns
from . import db_session, forms, surveys, vault

bp = Blueprint("safeguarding", __name__, url_prefix="/safeguarding")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.before_request
@login_required
def _only_those_who_handle_concerns() -> None:
    # Anyone else is told nothing, not even that these pages exist.
    if not casework.handles_concerns(current_user):
        abort(404)


def _concern_or_404(concern_id: int) -> Concern:
    found = casework.concern_for(db_session(), current_user, concern_id)
    if found is None:
        abort(404)
    return found


@bp.get("/concerns")
def concerns_list() -> str:
    session = db_session()
    user: User = current_user
    found = casework.visible_concerns(session, user)
    unsent = alerts.unsent_by_concern(session, [concern.id for concern in found])
    summary = alerts.unsent(session, utcnow(), council_scope(user))
    casework.record(session, user, "concerns_listed", "concerns", utcnow())
    session.commit()
    by_status = {
        status.value: [concern for concern in found if concern.status == status.value]
        for status in ConcernStatus
    }
    return render_template(
        "safeguarding/concerns.html",
        by_status=by_status,
        unsent=unsent,
        summary=summary,
        no_lead=_councils_without_lead(found),
    )


def _councils_without_lead(found: list[Concern]) -> list[str]:
    """Councils (among these concerns) whose alerts go to the admins for want of a lead."""
    if current_user.role != Role.ADMIN:
        return []
    councils = {concern.council_id: concern.council.name for concern in found}
    return sorted(
        name
        for council_id, name in councils.items()
        if not concerns.council_has_lead(db_session(), council_id)
    )


@bp.get("/concerns/<int:concern_id>")
def concern(concern_id: int) -> str:
    return _concern_page(_concern_or_404(concern_id))


def _concern_page(
    found: Concern,
    typed: dict[str, str] | None = None,
    problem: operations.OperationError | None = None,
) -> str:
    session = db_session()
    definition = surveys().get(found.survey_id or "")
    contact = (
        concerns.read_contact_request(vault(), found.contact_request)
        if found.contact_request is not None
        else None
    )
    page = render_template(
        "safeguarding/concern.html",
        concern=found,
        definition=definition,
        words=casework.kept_words(vault(), found, definition),
        answers=casework.other_answers(session, found, definition),
        contact=contact,
        unsent=alerts.unsent_by_concern(session, [found.id]).get(found.id, []),
        typed=typed or {},
        problem=problem,
    )
    casework.record(
        session,
        current_user,
        "concern_viewed",
        casework.subject(found),
        utcnow(),
        detail="with contact request" if contact is not None else "",
    )
    session.commit()
    return page


@bp.post("/concerns/<int:concern_id>/acknowledge")
def acknowledge(concern_id: int) -> Response:
    found = _concern_or_404(concern_id)
    casework.acknowledge(db_session(), found, current_user, utcnow())
    db_session().commit()
    return redirect(url_for(".concern", concern_id=found.id), 303)  # type: ignore[return-value]


@bp.post("/concerns/<int:concern_id>/close")
def close(concern_id: int) -> Response | tuple[str, int]:
    found = _concern_or_404(concern_id)
    try:
        casework.close(
            db_session(), found, current_user, request.form.get("action_taken", ""), utcnow()
        )
    except casework.CaseworkProblem as problem:
        return forms.shown_again(
            operations.OperationError(str(problem), field="action_taken"),
            request.form,
            lambda typed, shown: _concern_page(_concern_or_404(concern_id), typed, shown),
        )
    db_session().commit()
    return redirect(url_for(".concern", concern_id=found.id), 303)  # type: ignore[return-value]
