"""The second ceiling for the submit benchmark: a bare Flask app doing what bench/ceiling.py does.

Served by gunicorn like the real app (`gunicorn --workers 2 --pythonpath bench
flask_ceiling:app`): Flask's routing, request and response objects, the form parsed, one
autocommit INSERT with psycopg and the same 303 to the thank-you page. Nothing else: no hooks,
no cookies, no CSRF, no ORM, no encryption, no broker. It shows what the framework itself costs,
so the real handler's own work can be told apart from Flask's. BENCH_CEILING_DSN is the libpq
URL of the database.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from flask import Flask, redirect, request
from werkzeug.wrappers import Response

app = Flask(__name__)

_connection: psycopg.Connection[Any] | None = None


def _database() -> psycopg.Connection[Any]:
    """One connection per worker process, made after gunicorn forks."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_CEILING_DSN"], autocommit=True)
    return _connection


@app.get("/")
def ready() -> str:
    return "flask ceiling ready\n"


@app.post("/s/<code>/submit")
def submit(code: str) -> Response:
    payload = request.form.get("csrf_token", "")
    _database().execute("insert into bench_ceiling (payload) values (%s)", (payload,))
    return redirect(f"/s/{code}/thanks", 303)
