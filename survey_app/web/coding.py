"""The coding page: one item at a time across sources, themes toggled by their number, confirm
and go to the next, undo; agreement between two coders; and the theme downloads, on the
facilitators' blueprint.

Works without JavaScript: every key is a button in one form (with an accesskey), and toggling a
theme posts the form back with the theme's state flipped, writing nothing; only confirming
records a decision. static/coding.js lets the plain keys (1-9, n, u, s) press those buttons.
A council lead codes and sees only their own council's items (as with distributions).
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import actions, audits, operations, reports, themes
from ..access import council_scope
from ..clock import clock_of
from ..models import Role, ThemeItem
from ..themes.report import OtherVoices, build_report
from . import db_session, guides, results, surveys, theme_results
from .signin import bp


def init_app(app: Flask) -> None:
    """Load the codebook the coding pages and theme downloads use."""
    theme_results.init_app(app)


def _queue() -> themes.Queue:
    asked = request.values.get("queue", themes.Queue.NEW.value)
    return themes.Queue(asked) if asked in {q.value for q in themes.Queue} else themes.Queue.NEW


@bp.get("/coding")
@login_required
def coding() -> Response | str:
    theme_results.codebook_or_404()
    queue = _queue()
    item = themes.next_item(db_session(), current_user.id, council_scope(current_user), queue)
    if item is None:
        return render_template("facilitator/coding_done.html", queue=queue.value)
    return redirect(url_for(".coding_item", item_id=item.id, queue=queue.value))  # type: ignore[return-value]


@bp.get("/coding/<int:item_id>")
@login_required
def coding_item(item_id: int) -> str:
    codebook = theme_results.codebook_or_404()
    session = db_session()
    item = themes.visible_item(session, item_id, council_scope(current_user))
    if item is None:
        abort(404)
    mine = themes.coding_of(session, item.id, current_user.id)
    if mine is not None:
        chosen = [code.theme_id for code in mine.codes]
    else:
        chosen = themes.suggestions_of(session, item.id)
    return _page(codebook, item, chosen, mine is not None)


def _page(codebook: themes.Codebook, item: ThemeItem, chosen: list[str], coded: bool) -> str:
    session = db_session()
    queue = _queue()
    return render_template(
        "facilitator/coding.html",
        codebook=codebook,
        item=item,
        chosen=set(chosen),
        suggested=set(themes.suggestions_of(session, item.id)),
        coded=coded,
        queue=queue.value,
        approved=themes.is_approved(session, item.id),
        may_approve=current_user.role in (Role.ADMIN, Role.FACILITATOR),
        waiting=themes.waiting_count(session, current_user.id, council_scope(current_user), queue),
    )


@bp.post("/coding/<int:item_id>")
@login_required
def code_item(item_id: int) -> Response | str:
    codebook = theme_results.codebook_or_404()
    session = db_session()
    scope = council_scope(current_user)
    queue = _queue()
    if "undo" in request.form:
        undone = themes.undo_last(session, current_user, scope)
        session.commit()
        target = undone if undone is not None else item_id
        return redirect(url_for(".coding_item", item_id=target, queue=queue.value), 303)  # type: ignore[return-value]
    item = themes.visible_item(session, item_id, scope)
    if item is None:
        abort(404)
    chosen = [theme_id for theme_id in request.form.getlist("chosen") if codebook.get(theme_id)]
    toggled = request.form.get("toggle")
    if toggled is not None:
        if codebook.get(toggled) is None:
            abort(400)
        chosen = [t for t in chosen if t != toggled] if toggled in chosen else [*chosen, toggled]
        return _page(codebook, item, chosen, False)
    if "confirm" in request.form:
        try:
            themes.confirm(
                session, codebook, item, current_user, chosen, clock_of(current_app).now()
            )
        except themes.CodingError:
            session.rollback()
            abort(400)
        session.commit()
    following = themes.next_item(session, current_user.id, scope, queue, after_id=item.id)
    if following is None:
        return redirect(url_for(".coding", queue=queue.value), 303)  # type: ignore[return-value]
    return redirect(url_for(".coding_item", item_id=following.id, queue=queue.value), 303)  # type: ignore[return-value]


@bp.post("/coding/<int:item_id>/quote")
@login_required
def quote_item(item_id: int) -> Response:
    theme_results.codebook_or_404()
    if current_user.role not in (Role.ADMIN, Role.FACILITATOR):
        abort(403)  # the quote bank is the regional facilitators' to keep
    session = db_session()
    item = themes.visible_item(session, item_id, council_scope(current_user))
    if item is None:
        abort(404)
    if request.form.get("approve") == "1":
        themes.approve(session, item, current_user, clock_of(current_app).now().date())
    else:
        themes.withdraw(session, item)
    session.commit()
    return redirect(url_for(".coding_item", item_id=item.id, queue=_queue().value), 303)  # type: ignore[return-value]


@bp.get("/coding/agreement")
@login_required
def coding_agreement() -> str:
    codebook = theme_results.codebook_or_404()
    found = themes.agreement(db_session(), codebook, council_scope(current_user))
    return render_template("facilitator/coding_agreement.html", codebook=codebook, pairs=found)


def _themes_report_page() -> str:
    codebook = theme_results.codebook_or_404()
    council = (request.args.get("council") or "").strip() or None
    now = clock_of(current_app).now()
    voices = OtherVoices(
        guides(), audits.audit_forms(surveys().values()), current_app.config["LINK_KEY"]
    )
    report = results.publishing(
        lambda session: build_report(
            session, codebook, council_scope(current_user), council, current_user.id, now, voices
        )
    )
    found = operations.find_council(db_session(), council) if council else None
    # What was done about what they said: this council's and the region's actions, with the
    # approved quotes (the report's council's only) that showed it.
    found_actions = actions.staff_actions(
        db_session(), council_scope(current_user), found.id if found else None
    )
    return render_template(
        "facilitator/themes_report.html",
        report=report,
        council_param=council,
        codebook=codebook,
        actions=found_actions,
        action_quotes=actions.linked_quotes(
            db_session(), found_actions, [found.id] if found else council_scope(current_user)
        ),
        region_words=actions.REGION_WORDS,
    )


@bp.get("/themes/report")
@login_required
def themes_report() -> str:
    return _themes_report_page()


@bp.get("/themes/report.pdf")
@login_required
def themes_report_pdf() -> Response:
    page = _themes_report_page()
    try:
        body = reports.report_pdf(page, current_app.extensions["assets"], request.host_url)
    except reports.PdfUnavailable as missing:
        current_app.logger.error("report PDF unavailable: %s", missing)
        abort(503)
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="what-children-told-us.pdf"'},
    )


theme_results.add_theme_downloads(bp, lambda: current_user, login_required)
