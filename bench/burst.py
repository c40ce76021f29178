"""The backlog after a burst: how fast a separate worker drains 10,000 saved responses whose
messages all arrived while it could not keep up.

Run: .venv/bin/python bench/burst.py (also run by `make bench`; BENCH_BURST sets the number of
responses, default 10,000). PostgreSQL and Redis start on loopback; the responses are the
shipped child survey's (child-cp-conference), with one or two written answers each
(bench/profile_worker.py's sample answers), saved by the real submit path with one processing
message each in Redis, as the submit view sends it. The worker (`dramatiq workers.main`, one
process, 4 threads, as in production) is started first and paused (SIGSTOP) while the burst
arrives, so its sweeper's first pass has already run and every response reaches it once,
through its own message; then it is resumed and the script times the backlog to zero. Prints
the drain rate (responses/s), the worker's CPU per response, and PostgreSQL's and Redis's;
writes them to bench/results/burst.json.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import profile_worker  # noqa: E402  (the sample answers and the real submit path)
import psycopg  # noqa: E402
import run  # noqa: E402  (bench/run.py: the same rig)

from tests.stack import Stack  # noqa: E402

THREADS = 4


def main() -> int:
    count = int(os.environ.get("BENCH_BURST", "10000"))
    rig = run.Rig()
    try:
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        database_url = rig.postgres.create_database("burst")
        conninfo = rig.postgres.conninfo("burst")
        # One sweep at the worker's start only: the backlog is drained by its messages.
        rig.stack = stack = Stack(
            database_url,
            rig.redis.url,
            rig.workdir,
            survey_dir=ROOT / "survey_definitions",
            SWEEP_INTERVAL_SECONDS=3600,
        )
        stack.cli("migrate")
        stack.cli("load-surveys")
        stack.cli("councils", "create", "Suffolk")
        made = json.loads(
            stack.cli(
                "distribute",
                profile_worker.SURVEY,
                "--council",
                "Suffolk",
                "--label",
                "X",
                "--json",
            )
        )
        with psycopg.connect(conninfo, autocommit=True) as connection:
            row = connection.execute(
                "select id from distributions where code = %s", (made["code"],)
            ).fetchone()
            assert row is not None
            distribution_id = int(row[0])

            def waiting() -> int:
                found = connection.execute(
                    "select count(*) from responses where not aggregated"
                ).fetchone()
                assert found is not None
                return int(found[0])

            stack.start_worker(threads=THREADS)
            # Paused once its first sweep has run (its heartbeat row is written in that pass).
            stack.wait_until(
                lambda: (
                    connection.execute("select count(*) from worker_heartbeats").fetchone() != (0,)
                ),
                60,
                "the worker's first sweep",
            )
            time.sleep(1.0)
            assert stack.worker is not None
            os.killpg(stack.worker.pid, signal.SIGSTOP)
            try:
                # workers.main, imported by make_responses, sets the broker up from SURVEY_*.
                os.environ.update({k: v for k, v in stack.env.items() if k.startswith("SURVEY_")})
                began = time.perf_counter()
                ids = profile_worker.make_responses(count, distribution_id)
                from workers import actors

                for response_id in ids:
                    actors.enqueue_processing(response_id)
                arrived = time.perf_counter() - began
            finally:
                os.killpg(stack.worker.pid, signal.SIGCONT)
            backlog = waiting()
            groups = {
                "worker": stack.worker.pid,
                "postgres": rig.postgres.proc.pid,
                "redis": rig.redis.proc.pid,
            }
            cpu_before = run.cpu_by_group(groups)
            wall = time.perf_counter()
            deadline = time.monotonic() + 1800
            left = backlog
            while left:
                if time.monotonic() > deadline:
                    raise run.BenchmarkFailed(f"{left} responses still waiting after 30 minutes")
                if stack.worker.poll() is not None:
                    raise run.BenchmarkFailed(f"the worker exited:\n{rig.logs()}")
                time.sleep(0.05)
                left = waiting()
            wall = time.perf_counter() - wall
            cpu_after = run.cpu_by_group(groups)
        cpu_ms = {
            name: round((cpu_after[name] - cpu_before[name]) / backlog * 1000, 2) for name in groups
        }
        results: dict[str, Any] = {
            "responses": count,
            "backlog": backlog,
            "arrival_seconds": round(arrived, 1),
            "drain_seconds": round(wall, 1),
            "drained_per_second": round(backlog / wall, 1),
            "worker_threads": THREADS,
            "cpu_ms_per_response": cpu_ms,
        }
        print(
            f"burst of {count} responses (saved in {arrived:.0f} s with the worker paused), "
            f"backlog {backlog}: drained in {wall:.1f} s by one worker process ({THREADS} "
            f"threads) = {backlog / wall:.0f} responses/s; CPU per response: worker "
            f"{cpu_ms['worker']:.2f} ms, PostgreSQL {cpu_ms['postgres']:.2f} ms, Redis "
            f"{cpu_ms['redis']:.2f} ms"
        )
        out = ROOT / "bench" / "results" / "burst.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
