"""Where a child journey's time goes: the real app in-process (Flask test client) on PostgreSQL
and Redis walking bench/journey.py's survey, with the CPU per survey and per page, the round
trips PostgreSQL receives and a CPU-timed cProfile. Run: .venv/bin/python
bench/profile_journey.py [surveys]. A diagnostic to read beside bench/journey.py.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import sys
import time
from collections import Counter
from typing import Any

import psycopg
import run  # bench/run.py: the same rig
from journey import ANSWERS
from profile_submit import logged_statements, print_areas

from tests.stack import Stack


def walk(client: Any, code: str, timings: dict[str, list[float]] | None = None) -> None:
    """One survey through the test client, as bench/journey.py's phones answer it."""

    def timed(kind: str, reply_of: Any) -> Any:
        began = time.process_time()
        reply = reply_of()
        if timings is not None:
            timings.setdefault(kind, []).append(time.process_time() - began)
        return reply

    def token(reply: Any) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', reply.get_data(as_text=True))
        assert found, reply.get_data(as_text=True)[:300]
        return found.group(1)

    client.delete_cookie("draft", path=f"/s/{code}")
    page = timed("welcome", lambda: client.get(f"/s/{code}"))
    reply = timed(
        "start", lambda: client.post(f"/s/{code}/start", data={"csrf_token": token(page)})
    )
    for answers in ANSWERS:
        path = reply.headers["Location"]
        page = timed("question", lambda path=path: client.get(path))
        form = {"csrf_token": token(page), **answers}
        reply = timed("answer", lambda path=path, form=form: client.post(path, data=form))
        assert reply.status_code == 303, reply.status_code
    page = timed("check", lambda: client.get(reply.headers["Location"]))
    reply = timed(
        "send", lambda: client.post(f"/s/{code}/submit", data={"csrf_token": token(page)})
    )
    assert reply.status_code == 303 and reply.headers["Location"].endswith("/thanks")
    timed("thanks", lambda: client.get(reply.headers["Location"]))


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    rig = run.Rig()
    try:
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        database_url = rig.postgres.create_database("profile_journey")
        rig.stack = stack = Stack(database_url, rig.redis.url, rig.workdir)
        code = stack.prepare()["code"]
        # The app reads SURVEY_* (and the broker module its URL) from the environment.
        os.environ.update({k: v for k, v in stack.env.items() if k.startswith("SURVEY_")})
        from survey_app import create_app

        app = create_app()
        client = app.test_client()
        for _ in range(20):  # warm up
            walk(client, code)

        with psycopg.connect(rig.postgres.conninfo("profile_journey"), autocommit=True) as admin:
            admin.execute("alter system set log_statement = 'all'")
            admin.execute("select pg_reload_conf()")
            time.sleep(0.5)
            log_start = os.path.getsize(rig.postgres.log_path)
            for _ in range(5):
                walk(client, code)
            time.sleep(0.3)
            admin.execute("alter system reset log_statement")
            admin.execute("select pg_reload_conf()")
        print("what PostgreSQL received per survey (log_statement = all, 5 surveys):")
        for statement, seen in Counter(
            logged_statements(rig.postgres.log_path, log_start)
        ).most_common():
            print(f"  {seen / 5:5.2f}  {statement}")

        timings: dict[str, list[float]] = {}
        cpu = time.process_time()
        for _ in range(count):
            walk(client, code, timings)
        cpu = time.process_time() - cpu
        print(
            f"\n{count} surveys in-process, no profiler: {cpu / count * 1000:.1f} ms CPU per "
            "survey; per page (median ms): "
            + ", ".join(
                f"{kind} {sorted(values)[len(values) // 2] * 1000:.2f}"
                for kind, values in timings.items()
            )
            + "\n"
        )
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(count):
            walk(client, code)
        profiler.disable()
        stats = pstats.Stats(profiler)
        dump = run.ROOT / "bench" / "results" / "profile_journey.prof"
        dump.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(dump)
        print_areas(stats, "the journey")
        stats.sort_stats("cumulative").print_stats(50)
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
