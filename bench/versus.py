"""This code against an earlier checkout of it, side by side in one run: bench/run.py's submit
rounds (this app, the earlier app, the bare WSGI and bare Flask ceilings) and bench/journey.py's
child journey (this app, the earlier app, the bare journey app), every target taking its turn in
each round, so all see the same machine. Run: BENCH_BASE=/path/to/earlier/checkout
.venv/bin/python bench/versus.py (e.g. after `git worktree add /tmp/rbase <commit>`;
BENCH_REQUESTS and BENCH_JOURNEYS set a round's size). Prints the rounds, medians and ratios; a
diagnostic for a change's effect on a shared machine, not part of `make bench`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import journey  # bench/journey.py: the walkers
import loadgen
import psycopg
import run  # bench/run.py: the rig, the drafts, the rounds
from ceiling import TABLE_SQL

from tests.services import free_port
from tests.stack import BIN, Stack

SUBMIT_TARGETS = ("real", "base", "ceiling", "flask")
JOURNEY_TARGETS = ("real", "base", "bare")


def start_base(rig: run.Rig, base: Path, env: dict[str, str]) -> None:
    """Serve the earlier checkout's app as the real one is served (gunicorn, 2 sync workers,
    the same settings, database and broker), from its own folder."""
    port = free_port()
    log = open(rig.workdir / "base.log", "ab")  # noqa: SIM115 (closed with the process)
    rig.ceilings["base"] = process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"{run.HOST}:{port}",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
            "--chdir",
            str(base),
            "survey_app.wsgi:app",
        ],
        env={**env, "PYTHONPATH": str(base)},
        cwd=base,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    rig.ceiling_ports["base"] = port
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise run.BenchmarkFailed(f"the earlier app exited:\n{rig.logs()}")
        reply = asyncio.run(loadgen.fetch(run.HOST, port, "GET", "/healthz"))
        if reply.status in (200, 503):
            return
        time.sleep(0.2)
    raise run.BenchmarkFailed(f"the earlier app did not answer within 60 s:\n{rig.logs()}")


def journey_rounds(rig: run.Rig, ports: dict[str, int], code: str) -> dict[str, Any]:
    """bench/journey.py's rounds with the earlier app as a third target."""
    groups = {"real": "web", "base": "base", "bare": "journey_flask"}
    completed = dict.fromkeys(JOURNEY_TARGETS, 0)
    for target in JOURNEY_TARGETS:
        walked = journey.measure(rig, ports[target], code, journey.WARMUP_SURVEYS)
        completed[target] += walked["surveys"]
    rounds: dict[str, list[dict[str, Any]]] = {target: [] for target in JOURNEY_TARGETS}
    print(f"\n{'round':>5}  {'target':<7}{'surveys/s':>10}{'p50':>8}{'p99':>8}   CPU ms/survey")
    for number in range(1, journey.ROUNDS + 1):
        for target in JOURNEY_TARGETS:
            walked = journey.measure(rig, ports[target], code, journey.SURVEYS_PER_ROUND)
            completed[target] += walked["surveys"]
            every = [value for values in walked["latencies"].values() for value in values]
            surveys = walked["surveys"] or 1
            row = {
                "surveys_per_second": round(walked["surveys"] / walked["seconds"], 2),
                "page_p50_ms": round(loadgen.percentile(every, 0.5) * 1000, 1),
                "page_p99_ms": round(loadgen.percentile(every, 0.99) * 1000, 1),
                "cpu_ms_per_survey": round(walked["cpu"][groups[target]] / surveys * 1000, 1),
                "postgres_cpu_ms_per_survey": round(
                    walked["cpu"].get("postgres", 0) / surveys * 1000, 1
                ),
            }
            rounds[target].append(row)
            print(
                f"{number:>5}  {target:<7}{row['surveys_per_second']:>10.1f}"
                f"{row['page_p50_ms']:>8.1f}{row['page_p99_ms']:>8.1f}   "
                f"{row['cpu_ms_per_survey']:>6.1f} app, {row['postgres_cpu_ms_per_survey']} pg",
                flush=True,
            )
    found: dict[str, Any] = {"completed": completed}
    for target in JOURNEY_TARGETS:
        found[target] = {
            "median_surveys_per_second": statistics.median(
                r["surveys_per_second"] for r in rounds[target]
            ),
            "median_cpu_ms_per_survey": statistics.median(
                r["cpu_ms_per_survey"] for r in rounds[target]
            ),
            "rounds": rounds[target],
        }
    for target in ("real", "base"):
        found[f"ratio_{target}"] = round(
            found[target]["median_surveys_per_second"] / found["bare"]["median_surveys_per_second"],
            3,
        )
        found[f"ratio_{target}_by_round"] = [
            round(mine["surveys_per_second"] / bare["surveys_per_second"], 3)
            for mine, bare in zip(rounds[target], rounds["bare"], strict=True)
        ]
    return found


def main() -> int:
    base = Path(os.environ.get("BENCH_BASE", "")).resolve()
    if not os.environ.get("BENCH_BASE") or not (base / "survey_app" / "wsgi.py").exists():
        print(f"BENCH_BASE={base} is not a checkout of this project", file=sys.stderr)
        return 2
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
            row = connection.execute(
                "select id from distributions where code = %s", (code,)
            ).fetchone()
            assert row is not None
            distribution_id = int(row[0])
        count = run.WARMUP_REQUESTS + run.ROUNDS * run.REQUESTS_PER_ROUND
        tokens = run.make_drafts(stack, database_url, code, 2 * count)
        stack.start_web(workers=2)
        start_base(rig, base, stack.env)
        for name in ("ceiling", "flask"):
            rig.start_ceiling(name, conninfo)
        cookie, token = asyncio.run(run.welcome_session(stack.port, code))
        ports = {"real": stack.port, **rig.ceiling_ports}
        # Each real app takes drafts of its own; the ceilings ignore the cookies.
        drafts = {"base": tokens[count:]}
        requests = {
            target: run.submit_requests(
                ports[target], code, cookie, token, drafts.get(target, tokens[:count])
            )
            for target in SUBMIT_TARGETS
        }
        measured = run.throughput(rig, code, requests)
        for target in SUBMIT_TARGETS:
            print(
                f"{target:<8} {measured[target]['median_per_second']:>7.1f}/s median; CPU ms per "
                f"request {measured[target]['cpu_ms_per_request_median']}"
            )
        for target in ("real", "base"):
            by_round = [
                (ratios["ceiling"], ratios["flask"]) for ratios in _ratios(measured, target)
            ]
            print(f"{target} / WSGI, / Flask by round: {by_round}")
        rig.stop_ceilings()
        rig.ceilings.clear()
        print(f"\nload {os.getloadavg()}; the child journey ...", flush=True)
        start_base(rig, base, stack.env)
        rig.start_ceiling(
            "journey_flask",
            conninfo,
            {
                "BENCH_SURVEY_DIR": stack.env["SURVEY_SURVEY_DIR"],
                "BENCH_TEXT_KEY": stack.env["SURVEY_TEXT_KEY"],
            },
        )
        walked = journey_rounds(
            rig,
            {
                "real": stack.port,
                "base": rig.ceiling_ports["base"],
                "bare": rig.ceiling_ports["journey_flask"],
            },
            code,
        )
        for target in JOURNEY_TARGETS:
            print(
                f"{target:<6} {walked[target]['median_surveys_per_second']:>6.1f} surveys/s "
                f"median; CPU {walked[target]['median_cpu_ms_per_survey']} ms a survey"
            )
        for target in ("real", "base"):
            print(
                f"{target} / bare: {walked[f'ratio_{target}']} "
                f"(by round {walked[f'ratio_{target}_by_round']})"
            )
        with psycopg.connect(conninfo, autocommit=True) as connection:
            saved = connection.execute(
                "select count(*) from responses where distribution_id = %s", (distribution_id,)
            ).fetchone()
        thanked = sum(measured[t]["requests_sent_including_warm_up"] for t in ("real", "base"))
        thanked += walked["completed"]["real"] + walked["completed"]["base"]
        assert saved is not None
        if int(saved[0]) != thanked:
            raise run.BenchmarkFailed(f"{thanked} thanked but {saved[0]} responses saved")
        print(f"{thanked} thanked, {saved[0]} saved; load at the end {os.getloadavg()}")
    finally:
        rig.close()
    return 0


def _ratios(measured: dict[str, Any], target: str) -> list[dict[str, float]]:
    """target's throughput over each ceiling's, round by round."""
    return [
        {
            other: round(
                measured[target]["rounds"][i]["per_second"]
                / measured[other]["rounds"][i]["per_second"],
                3,
            )
            for other in ("ceiling", "flask")
        }
        for i in range(run.ROUNDS)
    ]


if __name__ == "__main__":
    sys.exit(main())
