"""Send's own CPU, without a server or a test client around it: the real app's WSGI callable
and the bare Flask app's (bench/flask_ceiling.py), each called in this process with the same
raw WSGI environ a browser's POST /s/<code>/submit gives gunicorn, batches taking turns, on one
PostgreSQL and Redis. Process CPU time per submit (the hand-off thread's message to Redis
included; waiting on the database left out), so it barely moves with the machine's load: the
figure to compare two versions of Send by, where bench/run.py's throughputs swing by more than
the change.

With --attribute it also times the real app with one piece of the request path taken out at a
time (a hook, the hand-off): what each costs a submit. Those variants are for reading only
(they drop checks a real request needs).

Run: .venv/bin/python bench/send_cpu.py [--batch N] [--rounds N] [--attribute]
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import run  # noqa: E402  (bench/run.py: the same rig and drafts)
from ceiling import TABLE_SQL  # noqa: E402

from tests.stack import Stack  # noqa: E402

WARMUP = 50
HOOK_LISTS = ("url_value_preprocessors", "before_request_funcs", "after_request_funcs")
# Variant name: (hook list, blueprint (None: the app's), part of the hook's name), dropped.
DROPPED_HOOKS: dict[str, list[tuple[str, str | None, str]]] = {
    "without Flask-WTF's CSRF hook": [("before_request_funcs", None, "csrf_protect")],
    "without the security headers and gzip hooks": [
        ("after_request_funcs", None, "_headers"),
        ("after_request_funcs", None, "_compress"),
    ],
    "without Flask-Login's remember-cookie hook": [
        ("after_request_funcs", None, "_update_remember_cookie")
    ],
    "without the form-token check (and so the form parse)": [
        ("before_request_funcs", "respondent", "check_form_token")
    ],
    "without the address checks (control characters, code case)": [
        ("url_value_preprocessors", None, "_refuse_control_characters"),
        ("url_value_preprocessors", "respondent", "_canonical_code"),
    ],
}
WITHOUT_HAND_OFF = "without handing the message to the thread"


def environ(code: str, cookie: str, body: bytes) -> dict[str, Any]:
    """What gunicorn gives the app for bench/run.py's submit request."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": f"/s/{code}/submit",
        "QUERY_STRING": "",
        "SERVER_NAME": run.HOST,
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": f"{run.HOST}:8000",
        "HTTP_COOKIE": cookie,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_ACCEPT_ENCODING": "gzip",
        "HTTP_CONNECTION": "keep-alive",
        "REMOTE_ADDR": run.HOST,
        "REMOTE_PORT": "50000",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def call(app: Callable[..., Iterable[bytes]], env: dict[str, Any]) -> str:
    """Call a WSGI app as a server does; its status line."""
    status: list[str] = []
    body = app(env, lambda line, _headers, _exc=None: status.append(line))
    for _chunk in body:
        pass
    close = getattr(body, "close", None)
    if close is not None:
        close()
    return status[0]


def cpu_per_call(app: Callable[..., Iterable[bytes]], envs: list[dict[str, Any]]) -> float:
    """Process CPU milliseconds per call; every call must be a 303 to the thank-you page."""
    began = time.process_time()
    statuses = [call(app, env) for env in envs]
    spent = time.process_time() - began
    bad = [status for status in statuses if not status.startswith("303")]
    if bad:
        raise run.BenchmarkFailed(f"{len(bad)} submits answered {bad[0]}, not 303")
    return spent / len(envs) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=300, help="submits a timed batch")
    parser.add_argument("--rounds", type=int, default=6, help="batches of each target")
    parser.add_argument("--attribute", action="store_true", help="time pieces taken out too")
    args = parser.parse_args()
    variants = ["real"] + ([*DROPPED_HOOKS, WITHOUT_HAND_OFF] if args.attribute else [])
    rig = run.Rig()
    try:
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        database_url = rig.postgres.create_database("send_cpu")
        rig.stack = stack = Stack(database_url, rig.redis.url, rig.workdir)
        code = stack.prepare()["code"]
        needed = WARMUP + args.batch * args.rounds * len(variants)
        drafts: Iterator[str] = iter(run.make_drafts(stack, database_url, code, needed))
        os.environ.update({k: v for k, v in stack.env.items() if k.startswith("SURVEY_")})
        os.environ["BENCH_CEILING_DSN"] = rig.postgres.conninfo("send_cpu")
        with psycopg.connect(rig.postgres.conninfo("send_cpu"), autocommit=True) as connection:
            connection.execute(TABLE_SQL)

        import flask_ceiling

        import survey_app.background as background
        from survey_app import create_app

        app = create_app()
        client = app.test_client()
        welcome = client.get(f"/s/{code}")
        form_cookie = client.get_cookie("form", path=f"/s/{code}")
        assert form_cookie is not None, "the welcome page set no form cookie"
        cookie = f"form={form_cookie.value}"
        body = urlencode({"csrf_token": run.csrf_token_in(welcome.get_data(as_text=True))})
        form = body.encode()
        kept_hooks = {name: copy.copy(dict(getattr(app, name))) for name in HOOK_LISTS}
        hand_over = background.HandOff.__call__

        def use(variant: str) -> None:
            for name, hooks in kept_hooks.items():
                current = getattr(app, name)
                current.clear()
                current.update({key: list(funcs) for key, funcs in hooks.items()})
            background.HandOff.__call__ = hand_over  # type: ignore[method-assign]
            for name, blueprint, part in DROPPED_HOOKS.get(variant, []):
                hooks = getattr(app, name)
                hooks[blueprint] = [f for f in hooks[blueprint] if part not in f.__qualname__]
            if variant == WITHOUT_HAND_OFF:
                background.HandOff.__call__ = lambda _self, _item: None  # type: ignore[method-assign]

        def batch(with_drafts: bool = True) -> list[dict[str, Any]]:
            return [
                environ(code, f"{cookie}; draft={next(drafts) if with_drafts else 'x'}", form)
                for _ in range(args.batch)
            ]

        for _ in range(WARMUP):
            cpu_per_call(app, [environ(code, f"{cookie}; draft={next(drafts)}", form)])
            cpu_per_call(flask_ceiling.app, [environ(code, cookie, form)])
        spent: dict[str, list[float]] = {variant: [] for variant in [*variants, "bare Flask"]}
        for _round in range(args.rounds):
            for variant in variants:
                use(variant)
                spent[variant].append(cpu_per_call(app, batch()))
            use("real")
            spent["bare Flask"].append(cpu_per_call(flask_ceiling.app, batch(with_drafts=False)))
        print(
            f"Send's CPU in-process, raw WSGI calls, {args.rounds} batches of {args.batch} "
            "taking turns (ms of process CPU a submit):"
        )
        real = statistics.median(spent["real"])
        bare = statistics.median(spent["bare Flask"])
        for variant, figures in spent.items():
            median = statistics.median(figures)
            saves = "" if variant in ("real", "bare Flask") else f"  saves {real - median:+.3f}"
            rounds = " ".join(f"{figure:.3f}" for figure in figures)
            print(f"  {variant:60s} {median:.3f}{saves}   ({rounds})")
        print(f"bare Flask / real: {bare / real:.2f} (CPU of a submit in the app itself)")
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
