"""The admins' page of staff accounts: who has one, deactivating an account, revoking API tokens.

Everyone else gets a 404, as if the page did not exist.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import operations
from ..models import Role, User
from . import db_session

bp = Blueprint("staff", __name__, url_prefix="/facilitator/users")
# Ids the database's integer columns can hold; a larger one in a URL names nothing.
LARGEST_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.before_request
@login_required
def _admins_only() -> None:
    if current_user.role != Role.ADMIN:
        abort(404)


def _account_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id) if user_id <= LARGEST_ID else None
    if user is None:
        abort(404)
    return user


@bp.get("/")
def accounts() -> str:
    users, tokens = operations.staff_accounts(db_session())
    return render_template("facilitator/users.html", users=users, tokens=tokens)


@bp.post("/<int:user_id>/deactivate")
def deactivate(user_id: int) -> Response:
    user = _account_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account: ask another admin.", "error")
        return redirect(url_for(".accounts"), 303)
    revoked = operations.deactivate_user(db_session(), user)
    db_session().commit()
    flash(f"{user.email} is deactivated; {revoked} API token(s) revoked.", "done")
    return redirect(url_for(".accounts"), 303)


@bp.post("/<int:user_id>/tokens/revoke")
def revoke_all_tokens(user_id: int) -> Response:
    user = _account_or_404(user_id)
    revoked = operations.revoke_tokens(db_session(), user)
    db_session().commit()
    flash(f"{revoked} API token(s) of {user.email} revoked.", "done")
    return redirect(url_for(".accounts"), 303)


@bp.post("/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_token(user_id: int, token_id: int) -> Response:
    user = _account_or_404(user_id)
    if token_id > LARGEST_ID or not operations.revoke_tokens(db_session(), user, token_id):
        abort(404)
    db_session().commit()
    flash(f"API token {token_id} of {user.email} revoked.", "done")
    return redirect(url_for(".accounts"), 303)
