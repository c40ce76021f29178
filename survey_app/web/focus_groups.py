"""The facilitators' focus-group pages: record a session with a guide (on a tablet in the room
or typed up afterwards), add its items over several visits, upload photos, close it.

Staff only, each council's sessions only to its own staff (like distributions); a guide has no
public link. The domain work is in `survey_app.focus_groups`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..background import background_work
from ..definitions.guides import GuideDefinition
from ..focus_groups import photos, recording
from ..models import FocusGroupSession, FocusGroupStatus, Role, today
from ..operations import OperationError
from . import GUIDES, db_session, forms, guides, vault

log = logging.getLogger(__name__)
bp = Blueprint("focus_groups", __name__, url_prefix="/facilitator/focus-groups")
# A photo's upload, not the 64 KB every other form is held to.
UPLOAD_LIMIT = photos.MAX_BYTES + 64 * 1024


def init_app(app: Flask, guides: Mapping[str, GuideDefinition]) -> None:
    """Register the focus-group pages with the guides the entry point loaded."""
    app.extensions[GUIDES] = dict(guides)
    app.register_blueprint(bp)


@bp.url_value_preprocessor
def _room_for_a_photo(endpoint: str | None, _values: dict[str, object] | None) -> None:
    # Before any before_request (the CSRF check reads the form, and with it the upload), so
    # only a photo's upload may be larger than the 64 KB every other form is held to.
    if endpoint == "focus_groups.add_photo":
        request.max_content_length = UPLOAD_LIMIT


@bp.before_request
@login_required
def _staff_who_see_research_data() -> None:
    # Safeguarding leads read concerns, not research data (as on every facilitator page).
    if current_user.role == Role.SAFEGUARDING_LEAD:
        abort(404)


def _session_or_404(session_id: int) -> FocusGroupSession:
    found = recording.session_for(db_session(), session_id, current_user)
    if found is None:
        abort(404)
    return found


def _guide_or_404(guide_id: str) -> GuideDefinition:
    guide = guides().get(guide_id)
    if guide is None:
        abort(404)
    return guide


@bp.get("/")
def sessions() -> str:
    """The sessions of the councils this person sees, and the guides to record one with."""
    return render_template(
        "facilitator/focus_groups.html",
        sessions=recording.sessions_for(db_session(), current_user),
        guides=sorted(guides().values(), key=lambda guide: guide.title.en),
        titles={guide.id: guide.title.en for guide in guides().values()},
    )


def _new_page(
    guide: GuideDefinition,
    typed: dict[str, str] | None = None,
    problem: OperationError | None = None,
) -> str:
    return render_template(
        "facilitator/focus_group_new.html",
        guide=guide,
        councils=recording.councils_for(db_session(), current_user),
        typed=typed or {},
        problem=problem,
        today=today().isoformat(),
    )


@bp.get("/new/<guide_id>")
def new_session(guide_id: str) -> str:
    return _new_page(_guide_or_404(guide_id))


@bp.post("/new/<guide_id>")
def create_session(guide_id: str) -> ResponseReturnValue:
    guide = _guide_or_404(guide_id)
    form = request.form
    try:
        found = recording.start_session(
            db_session(),
            guides(),
            current_user,
            council_name=form.get("council", ""),
            guide_id=guide.id,
            held_on=form.get("held_on", ""),
            participants={band: form.get(f"participants-{band}", "") for band in guide.band_ids()},
            consent_recorded=form.get("consent_recorded") == "yes",
            today=today(),
        )
    except OperationError as problem:
        return forms.shown_again(problem, form, lambda typed, why: _new_page(guide, typed, why))
    db_session().commit()
    return redirect(url_for(".session_page", session_id=found.id), 303)


def _session_page(
    found: FocusGroupSession,
    typed: dict[str, str] | None = None,
    problem: OperationError | None = None,
) -> str:
    guide = guides().get(found.guide_id)
    return render_template(
        "facilitator/focus_group.html",
        found=found,
        guide=guide,
        item_kinds={
            prompt.id: [kind.value for kind in recording.ITEM_KINDS[prompt.kind]]
            for prompt in (guide.prompts if guide else ())
        },
        general_kinds=[kind.value for kind in recording.ITEM_KINDS[None]],
        is_open=found.status == FocusGroupStatus.OPEN,
        typed=typed or {},
        problem=problem,
    )


@bp.get("/<int:session_id>")
def session_page(session_id: int) -> str:
    """The session: its guide's prompts, what was recorded for each, and forms to add more."""
    return _session_page(_session_or_404(session_id))


def _refused(found: FocusGroupSession, problem: OperationError, prompt: str) -> tuple[str, int]:
    # Each prompt has its own form: the field names the control on that prompt's form.
    problem.field = f"{prompt or 'general'}-{problem.field}" if problem.field else ""
    return forms.shown_again(
        problem,
        request.form,
        lambda typed, why: _session_page(found, {**typed, "_form": prompt or "general"}, why),
    )


@bp.post("/<int:session_id>/items")
def add_item(session_id: int) -> ResponseReturnValue:
    """Add one item (words, or counts per option) to a prompt or to the general notes."""
    found = _session_or_404(session_id)
    guide = _guide_or_404(found.guide_id)
    form = request.form
    prompt = form.get("prompt", "")
    counts = {
        name.removeprefix("votes-"): value
        for name, value in form.items()
        if name.startswith("votes-")
    }
    item = recording.ItemInput(
        prompt=prompt or None, kind=form.get("kind", ""), text=form.get("text", ""), counts=counts
    )
    try:
        made = recording.add_items(db_session(), vault(), found, guide, [item], field_prefix=None)
    except OperationError as problem:
        return _refused(found, problem, prompt)
    db_session().commit()
    process_items([item.id for item in made if not item.processed])
    flash("Added. Names and other personal details are removed before anyone analyses it.", "done")
    return redirect(_prompt_on_page(found, prompt), 303)


@bp.post("/<int:session_id>/photos")
def add_photo(session_id: int) -> ResponseReturnValue:
    """Upload one photo of sticky notes or a drawing (cleaned of all metadata)."""
    found = _session_or_404(session_id)
    guide = _guide_or_404(found.guide_id)
    prompt = request.form.get("prompt", "")
    upload = request.files.get("photo")
    data = upload.read(photos.MAX_BYTES + 1) if upload is not None else b""
    try:
        photos.add_photo(
            db_session(), found, guide, prompt, data, Path(current_app.config["PHOTO_DIR"])
        )
    except OperationError as problem:
        return _refused(found, problem, prompt)
    db_session().commit()
    flash("Photo added, without its location, time or camera details.", "done")
    return redirect(_prompt_on_page(found, prompt), 303)


def _prompt_on_page(found: FocusGroupSession, prompt: str) -> str:
    return url_for(".session_page", session_id=found.id, _anchor=f"prompt-{prompt or 'general'}")


@bp.post("/<int:session_id>/close")
def close(session_id: int) -> ResponseReturnValue:
    """Close the session: nothing more can be added."""
    found = _session_or_404(session_id)
    recording.close_session(found, today())
    db_session().commit()
    flash("The session is closed.", "done")
    return redirect(url_for(".session_page", session_id=found.id), 303)


@bp.get("/<int:session_id>/photos/<int:item_id>.jpg")
def photo(session_id: int, item_id: int) -> Response:
    """A session's photo, to signed-in staff of its council only; never cached."""
    found = _session_or_404(session_id)
    item = next((i for i in found.items if i.id == item_id and i.photo_hash), None)
    if item is None or item.photo_hash is None:
        abort(404)
    path = photos.photo_path(Path(current_app.config["PHOTO_DIR"]), item.photo_hash)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def process_items(item_ids: list[int]) -> None:
    """Send the committed items' words to the workers; if the broker is down, the sweeper sends
    them later (the page has already saved them)."""
    if not item_ids:
        return
    try:
        background_work(current_app).process_focus_group_items(item_ids)
    except Exception:
        log.warning("could not enqueue %d focus-group items; the sweeper will", len(item_ids))
