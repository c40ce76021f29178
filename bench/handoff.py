"""Send with its message handed to a thread (this code) against the same app sending it inside
the request (bench/submit_in_request.py), side by side in one run, with both ceilings of
bench/run.py. Run: .venv/bin/python bench/handoff.py (BENCH_REQUESTS sets the requests a round).
Prints bench/run.py's table and the medians; a diagnostic, not part of `make bench`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from typing import Any

import psycopg
import run  # bench/run.py: the rig, the drafts, the rounds
from ceiling import TABLE_SQL

from tests.services import free_port
from tests.stack import Stack

TARGETS = ("real", "in_request", "ceiling", "flask")


def main() -> int:
    rig = run.Rig()
    try:
        print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()}", flush=True)
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        database_url = rig.postgres.create_database("bench")
        conninfo = rig.postgres.conninfo("bench")
        rig.stack = stack = Stack(database_url, rig.redis.url, rig.workdir)
        stack.env["GUNICORN_CMD_ARGS"] = "--no-control-socket"
        code = stack.prepare()["code"]
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(TABLE_SQL)
        count = run.WARMUP_REQUESTS + run.ROUNDS * run.REQUESTS_PER_ROUND
        tokens = run.make_drafts(stack, database_url, code, 2 * count)
        stack.start_web(workers=2)
        for name in ("ceiling", "flask"):
            rig.start_ceiling(name, conninfo)
        run.CEILING_APPS["in_request"] = "submit_in_request:app"
        rig.ceiling_ports["in_request"] = free_port()
        # The real app has no page at "/": its health check says when it is ready.
        fetch = run.loadgen.fetch

        async def ready(host: str, port: int, method: str, path: str) -> Any:
            return await fetch(host, port, method, "/healthz" if path == "/" else path)

        run.loadgen.fetch = ready  # type: ignore[assignment]
        try:
            rig.start_ceiling("in_request", conninfo, stack.env)
        finally:
            run.loadgen.fetch = fetch  # type: ignore[assignment]
        cookie, token = asyncio.run(run.welcome_session(stack.port, code))
        ports = {"real": stack.port, **rig.ceiling_ports}
        # Each real app takes drafts of its own; the ceilings ignore the cookies.
        drafts = {"in_request": tokens[count:]}
        requests = {
            target: run.submit_requests(
                ports[target], code, cookie, token, drafts.get(target, tokens[:count])
            )
            for target in TARGETS
        }
        measured = run.throughput(rig, code, requests)
        for target in TARGETS:
            print(
                f"{target:<11} {measured[target]['median_per_second']:>7.1f}/s median; CPU ms per "
                f"request {measured[target]['cpu_ms_per_request_median']}"
            )
        by_round = [ratios["in_request"] for ratios in measured["ratio_by_round"]]
        print(f"real / in_request by round: {by_round}")
        print(f"load at the end {os.getloadavg()}")
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
