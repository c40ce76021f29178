"""Where a submit's time goes: the real submit view in-process (Flask test client) on PostgreSQL
and Redis, under cProfile, with the SQL statements it sends. Run: .venv/bin/python
bench/profile_submit.py [submissions]. A diagnostic to read beside bench/run.py, not a benchmark
(bench/profile_worker.py does the same for the worker).
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
import run  # bench/run.py: the same rig, drafts and answers

from tests.stack import Stack

ROOT = run.ROOT

LOGGED = re.compile(r"LOG:\s+(?:statement|execute [^:]*): (.*)", re.S)


def logged_statements(path: str, start: int) -> list[str]:
    """The statements PostgreSQL logged from byte start on, each on one line."""
    with open(path, errors="replace") as log:
        log.seek(start)
        entries: list[str] = []
        for line in log:  # a statement's later lines are continuation lines, indented by a tab
            if line.startswith("\t") and entries:
                entries[-1] += " " + line
            else:
                entries.append(line)
    return [
        " ".join(found.group(1).split())[:100]
        for found in map(LOGGED.search, entries)
        if found
        and "pg_reload_conf" not in found.group(1)
        and "log_statement" not in found.group(1)
    ]


def area(filename: str) -> str:
    """The package a profiled function belongs to."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    for own in ("survey_app", "workers", "bench"):
        if f"/{own}/" in filename:
            return own
    return "python itself (stdlib, builtins, C calls)"


def print_areas(stats: pstats.Stats, what: str) -> None:
    areas: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        areas[area(filename)] += own
    total = sum(areas.values())
    print(f"CPU by package in {what} (own time under the profiler):")
    for name, own in areas.most_common(14):
        print(f"  {own / total * 100:5.1f}%  {name}")
    print()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rig = run.Rig()
    try:
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        database_url = rig.postgres.create_database("profile")
        rig.stack = stack = Stack(database_url, rig.redis.url, rig.workdir)
        code = stack.prepare()["code"]
        tokens = run.make_drafts(stack, database_url, code, 2 * count + 60)
        # The app reads SURVEY_* (and the broker module its URL) from the environment.
        os.environ.update({k: v for k, v in stack.env.items() if k.startswith("SURVEY_")})
        from sqlalchemy import event

        from survey_app import create_app

        app = create_app()
        statements: Counter[str] = Counter()

        def count_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements[re.sub(r"\s+", " ", statement)[:90]] += 1

        event.listen(app.extensions["database"].engine, "before_cursor_execute", count_statement)
        client = app.test_client()
        welcome = client.get(f"/s/{code}")
        token = run.csrf_token_in(welcome.get_data(as_text=True))

        def submit(draft: str) -> None:
            client.set_cookie("draft", draft, path=f"/s/{code}")
            reply = client.post(f"/s/{code}/submit", data={"csrf_token": token})
            assert reply.status_code == 303 and "/thanks" in reply.headers["Location"], reply

        for draft in tokens[:50]:  # warm up
            submit(draft)

        # Every round trip PostgreSQL sees, not only those SQLAlchemy compiles.
        with psycopg.connect(rig.postgres.conninfo("profile"), autocommit=True) as admin:
            admin.execute("alter system set log_statement = 'all'")
            admin.execute("select pg_reload_conf()")
            time.sleep(0.5)
            log_start = os.path.getsize(rig.postgres.log_path)
            for draft in tokens[50:60]:
                submit(draft)
            time.sleep(0.3)
            admin.execute("alter system reset log_statement")
            admin.execute("select pg_reload_conf()")
        logged = logged_statements(rig.postgres.log_path, log_start)
        print("what PostgreSQL received per submit (log_statement = all, 10 submits):")
        for statement, seen in Counter(logged).most_common():
            print(f"  {seen / 10:5.2f}  {statement}")

        wall, cpu = time.perf_counter(), time.process_time()
        for draft in tokens[60 : 60 + count]:
            submit(draft)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"\n{count} submits in-process, no profiler: {wall / count * 1000:.2f} ms each, of "
            f"which {cpu / count * 1000:.2f} ms CPU in this process (the rest is waiting on "
            f"PostgreSQL and Redis)\n"
        )

        statements.clear()
        # Timed by CPU, not the wall clock: waiting on the database is left out.
        profiler = cProfile.Profile(time.process_time)
        began = time.perf_counter()
        profiler.enable()
        for draft in tokens[60 + count : 60 + 2 * count]:
            submit(draft)
        profiler.disable()
        elapsed = time.perf_counter() - began
        print(f"{count} submits under cProfile: {elapsed / count * 1000:.2f} ms each\n")
        stats = pstats.Stats(profiler)
        dump = ROOT / "bench" / "results" / "profile_submit.prof"
        dump.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(dump)  # for pstats: callers, callees (git ignores bench/results)
        print_areas(stats, "the submit")
        print("SQL statements per submit:")
        for statement, seen in statements.most_common():
            print(f"  {seen / count:5.2f}  {statement}")
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
