"""The ceiling for the submit benchmark: a bare WSGI app that parses the form and inserts one row.

Served by gunicorn like the real app (`gunicorn --workers 2 --pythonpath bench ceiling:app`),
it shows what the same server, database and load generator manage with no framework, no ORM,
no encryption and no broker. BENCH_CEILING_DSN is the libpq URL of the database.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import psycopg
from werkzeug.wrappers import Request, Response

TABLE_SQL = (
    "create table if not exists bench_ceiling (id bigserial primary key, payload text not null)"
)

_connection: psycopg.Connection[Any] | None = None


def _database() -> psycopg.Connection[Any]:
    """One connection per worker process, made after gunicorn forks."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_CEILING_DSN"], autocommit=True)
    return _connection


def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    request = Request(environ)
    if request.method != "POST":
        return Response("ceiling ready\n")(environ, start_response)
    payload = request.form.get("csrf_token", "")
    _database().execute("insert into bench_ceiling (payload) values (%s)", (payload,))
    # Same redirect as the real submit: /s/<code>/submit -> /s/<code>/thanks.
    thanks = request.path.rpartition("/")[0] + "/thanks"
    return Response(status=303, headers={"Location": thanks})(environ, start_response)
