"""/healthz: database, broker, worker heartbeat, backlog, held-back answers and responses,
and unsent safeguarding alerts, as JSON."""

from __future__ import annotations

import datetime as dt

import dramatiq
from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy import func, select, text

from .models import FreeText, WorkerHeartbeat, utcnow
from .models import Response as SurveyResponse
from .processing import held_back_responses
from .safeguarding import alerts
from .web import db_session

bp = Blueprint("health", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    report: dict[str, object] = {}
    healthy = True
    try:
        session = db_session()
        session.execute(text("select 1"))
        report["database"] = {"ok": True}
        backlog = session.scalar(
            select(func.count(SurveyResponse.id)).where(
                SurveyResponse.anonymised.is_(False) | SurveyResponse.aggregated.is_(False)
            )
        )
        report["backlog"] = {"unprocessed_responses": int(backlog or 0)}
        # Answers whose anonymisation failed: kept encrypted and unpublished until it succeeds.
        held_back = session.scalar(
            select(func.count(FreeText.id)).where(FreeText.held_back.is_(True))
        )
        report["anonymisation"] = {"held_back_answers": int(held_back or 0)}
        # Safeguarding alerts that failed or have waited too long: a lead may not know yet.
        unsent = alerts.unsent(session, utcnow())
        report["safeguarding"] = {
            "unsent_emails": unsent.pending,
            "failed_emails": unsent.failed,
            "overdue_emails": unsent.overdue,
        }
        newest = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
        stale_after = 3 * float(current_app.config["HEARTBEAT_INTERVAL_SECONDS"])
        age = (utcnow() - newest).total_seconds() if newest else None
        report["worker"] = {
            "ok": age is not None and age <= stale_after,
            "last_heartbeat_seconds_ago": round(age, 1) if age is not None else None,
        }
        # Responses that failed processing too often, and how long the oldest other one has
        # waited (as the live workers saw it; research rows keep no time of day).
        held_responses = session.scalar(
            held_back_responses(int(current_app.config["PROCESSING_MAX_ATTEMPTS"]))
        )
        waiting_since = session.scalar(
            select(func.min(WorkerHeartbeat.oldest_unprocessed_seen_at)).where(
                WorkerHeartbeat.seen_at >= utcnow() - dt.timedelta(seconds=stale_after)
            )
        )
        waited = (utcnow() - waiting_since).total_seconds() if waiting_since else None
        report["processing"] = {
            "held_back_responses": int(held_responses or 0),
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
