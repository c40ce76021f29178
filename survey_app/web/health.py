"""/healthz: database, broker, worker heartbeat, backlog, held-back answers and responses,
and unsent safeguarding alerts, as JSON."""

from __future__ import annotations

import datetime as dt

import dramatiq
from flask import Blueprint, Flask, Response, current_app, jsonify

from .. import overview
from ..models import utcnow
from ..safeguarding import alerts
from . import db_session

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    report: dict[str, object] = {}
    healthy = True
    try:
        session = db_session()
        stale_after = 3 * float(current_app.config["HEARTBEAT_INTERVAL_SECONDS"])
        now = utcnow()
        state = overview.processing(
            session,
            int(current_app.config["PROCESSING_MAX_ATTEMPTS"]),
            live_since=now - dt.timedelta(seconds=stale_after),
        )
        report["database"] = {"ok": True}
        report["backlog"] = {"unprocessed_responses": state.unprocessed_responses}
        # Answers whose anonymisation failed: kept encrypted and unpublished until it succeeds.
        report["anonymisation"] = {"held_back_answers": state.held_back_answers}
        # Safeguarding alerts that failed or have waited too long: a lead may not know yet.
        unsent = alerts.unsent(session, now)
        report["safeguarding"] = {
            "unsent_emails": unsent.pending,
            "failed_emails": unsent.failed,
            "overdue_emails": unsent.overdue,
        }
        newest = state.newest_heartbeat
        age = (now - newest).total_seconds() if newest else None
        report["worker"] = {
            "ok": age is not None and age <= stale_after,
            "last_heartbeat_seconds_ago": round(age, 1) if age is not None else None,
        }
        # Responses that failed processing too often, and how long the oldest other one has
        # waited (as the live workers saw it; research rows keep no time of day).
        waiting_since = state.oldest_unprocessed_seen_at
        waited = (now - waiting_since).total_seconds() if waiting_since else None
        report["processing"] = {
            "held_back_responses": state.held_back_responses,
            "oldest_unprocessed_seconds": round(waited, 1) if waited is not None else None,
        }
    except Exception as error:  # report, don't crash: this is what monitoring reads
        healthy = False
        report["database"] = {"ok": False, "error": type(error).__name__}
    broker = dramatiq.get_broker()
    kind = type(broker).__name__
    try:
        client = getattr(broker, "client", None)
        if client is not None:
            client.ping()
        report["broker"] = {"ok": True, "kind": kind}
    except Exception as error:
        report["broker"] = {"ok": False, "kind": kind, "error": type(error).__name__}
    worker_ok = bool(report.get("worker", {}).get("ok"))  # type: ignore[union-attr]
    broker_ok = bool(report["broker"]["ok"])  # type: ignore[index]
    nothing_held = not report.get("anonymisation", {}).get("held_back_answers")  # type: ignore[union-attr]
    alerts_ok = not (
        report.get("safeguarding", {}).get("failed_emails")  # type: ignore[union-attr]
        or report.get("safeguarding", {}).get("overdue_emails")  # type: ignore[union-attr]
    )
    processing: dict[str, float | None] = report.get("processing", {})  # type: ignore[assignment]
    waited = processing.get("oldest_unprocessed_seconds") or 0.0
    keeping_up = not processing.get("held_back_responses") and waited <= float(
        current_app.config["BACKLOG_DEGRADED_SECONDS"]
    )
    report["status"] = (
        "ok"
        if healthy and worker_ok and broker_ok and nothing_held and alerts_ok and keeping_up
        else ("degraded" if healthy else "down")
    )
    return jsonify(report), 200 if healthy else 503
