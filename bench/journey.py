"""The whole child journey under load, run by `make bench` after bench/run.py.

32 walkers at once each answer the test survey again and again over real HTTP, as a phone
without JavaScript does: the welcome page, Start, every question page (GET, then POST its
answers), the check page, Send and the thank-you page: 16 requests, with the draft found,
decrypted, changed, encrypted and written back on every step. The production stack serves them
(gunicorn with 2 sync workers, PostgreSQL, Redis as the broker; no dramatiq worker, so that
processing takes no CPU from the web tier). Rounds alternate with bench/journey_flask.py, a bare
Flask app rendering the same templates and storing the same draft row, served the same way.
Reports completed surveys per second, page latency p50/p99 and CPU per survey of each process
group, and the ratio real/bare (goal >= 0.5). Adds its figures to bench/results/latest.json
under "journey"; exits non-zero if a page answers wrongly or a thanked survey was not saved.
BENCH_JOURNEYS (default 300) sets the surveys per round.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import loadgen  # bench/ is the script's own folder, so it is on sys.path
import psycopg
import run  # bench/run.py: the rig, the CPU readings and the page helpers
from ceiling import TABLE_SQL

from tests.stack import Stack

HOST = run.HOST
WALKERS = 32
ROUNDS = 3
SURVEYS_PER_ROUND = int(os.environ.get("BENCH_JOURNEYS", "300"))
WARMUP_SURVEYS = 32
ROUND_TIME_LIMIT = 60.0
RATIO_GOAL = 0.5
TARGETS = ("real", "bare")

# The test survey (tests/data/surveys/test-child.yaml) answered as a child who missed the
# meeting: every page is shown, and one written answer of about 150 characters.
ANSWERS: list[dict[str, Any]] = [
    {"_age_band": "12-17"},
    {"went": "no"},
    {"why_not": ["scared", "school"]},
    {"feel": "okay"},
    {"times": "2"},
    {
        "better": "nobody told me what the meeting was for until the day before, next time "
        "tell my foster carer so I can get ready and bring someone who knows me"
    },
]
REQUESTS_PER_SURVEY = 2 + 2 * len(ANSWERS) + 3


class WrongPage(Exception):
    """A page answered with something a phone should not get."""


class Walker:
    """One phone: its own cookies, a connection that reconnects, latencies by kind of page."""

    def __init__(self, port: int, code: str, latencies: dict[str, list[float]]) -> None:
        self.port = port
        self.code = code
        self.latencies = latencies
        self.connection = loadgen.Connection(HOST, port)
        self.cookies: dict[str, str] = {}

    async def request(
        self, kind: str, method: str, path: str, form: dict[str, Any] | None = None
    ) -> loadgen.Reply:
        headers = {"Accept-Encoding": "gzip", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = b""
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        raw = loadgen.build_request(method, path, f"{HOST}:{self.port}", headers, body)
        reply = await self.connection.request(raw, method)
        expected = 303 if method == "POST" else 200
        if reply.status != expected:
            raise WrongPage(
                f"{method} {path} answered {reply.status} {reply.error} {reply.body[:200]!r}"
            )
        self.latencies.setdefault(kind, []).append(reply.latency)
        for line in reply.headers.get("set-cookie", "").split("\n"):
            name, _, value = line.split(";", 1)[0].partition("=")
            if name.strip():
                if value.strip() and "max-age=0" not in line.lower():
                    self.cookies[name.strip()] = value.strip()
                else:
                    self.cookies.pop(name.strip(), None)
        return reply

    async def survey(self) -> None:
        """Answer the survey once, from the welcome page to the thank-you page."""
        self.cookies.pop("draft", None)
        base = f"/s/{self.code}"
        page = await self.request("welcome", "GET", base)
        token = run.csrf_token_in(run.text_of(page))
        reply = await self.request("start", "POST", f"{base}/start", {"csrf_token": token})
        for answers in ANSWERS:
            path = urlsplit(reply.headers["location"]).path
            if "/q/" not in path:
                raise WrongPage(f"expected a question page, was sent to {path}")
            page = await self.request("question", "GET", path)
            token = run.csrf_token_in(run.text_of(page))
            reply = await self.request("answer", "POST", path, {"csrf_token": token, **answers})
        path = urlsplit(reply.headers["location"]).path
        if path != f"{base}/check":
            raise WrongPage(f"expected the check page, was sent to {path}")
        page = await self.request("check", "GET", path)
        token = run.csrf_token_in(run.text_of(page))
        reply = await self.request("send", "POST", f"{base}/submit", {"csrf_token": token})
        path = urlsplit(reply.headers["location"]).path
        if path != f"{base}/thanks":
            raise WrongPage(f"Send led to {path}, not the thank-you page")
        page = await self.request("thanks", "GET", path)
        if "Thank you" not in run.text_of(page):
            raise WrongPage("the thank-you page does not thank")


async def walk(port: int, code: str, surveys: int) -> dict[str, Any]:
    """WALKERS phones answering until `surveys` are done (or the time limit)."""
    latencies: dict[str, list[float]] = {}
    done = 0
    handed_out = 0
    started = time.perf_counter()
    deadline = started + ROUND_TIME_LIMIT

    async def phone() -> None:
        nonlocal done, handed_out
        walker = Walker(port, code, latencies)
        try:
            while handed_out < surveys and time.perf_counter() < deadline:
                handed_out += 1
                await walker.survey()
                done += 1
        finally:
            await walker.connection.close()

    await asyncio.gather(*(phone() for _ in range(WALKERS)))
    elapsed = time.perf_counter() - started
    return {"surveys": done, "seconds": elapsed, "latencies": latencies}


def measure(rig: run.Rig, port: int, code: str, surveys: int) -> dict[str, Any]:
    groups = rig.process_groups()
    before, client = run.cpu_by_group(groups), time.process_time()
    walked = asyncio.run(walk(port, code, surveys))
    client = time.process_time() - client
    after = run.cpu_by_group(groups)
    walked["cpu"] = {name: after[name] - before[name] for name in groups}
    walked["client_cores"] = client / walked["seconds"]
    return walked


def count_rows(conninfo: str, distribution_id: int) -> tuple[int, int]:
    """(responses saved for the distribution, rows the bare app stored on Send)."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        saved = connection.execute(
            "select count(*) from responses where distribution_id = %s", (distribution_id,)
        ).fetchone()
        bare = connection.execute("select count(*) from bench_ceiling").fetchone()
    assert saved is not None and bare is not None
    return int(saved[0]), int(bare[0])


def benchmark(rig: run.Rig) -> dict[str, Any]:
    began = time.monotonic()
    print("journey: starting PostgreSQL and Redis ...", flush=True)
    rig.start_services()
    assert rig.postgres is not None and rig.redis is not None
    database_url = rig.postgres.create_database("journey")
    conninfo = rig.postgres.conninfo("journey")
    rig.stack = stack = Stack(database_url, rig.redis.url, rig.workdir)
    stack.env["GUNICORN_CMD_ARGS"] = "--no-control-socket"
    code = stack.prepare()["code"]
    with psycopg.connect(conninfo, autocommit=True) as connection:
        row = connection.execute("select id from distributions where code = %s", (code,)).fetchone()
        assert row is not None
        distribution_id = int(row[0])
        connection.execute(TABLE_SQL)
    print("starting gunicorn x2 (real app, broker: Redis, no worker) and the bare app ...")
    stack.start_web(workers=2)
    rig.start_ceiling(
        "journey_flask",
        conninfo,
        {
            "BENCH_SURVEY_DIR": stack.env["SURVEY_SURVEY_DIR"],
            "BENCH_TEXT_KEY": stack.env["SURVEY_TEXT_KEY"],
        },
    )
    ports = {"real": stack.port, "bare": rig.ceiling_ports["journey_flask"]}
    groups = {"real": "web", "bare": "journey_flask"}
    completed = dict.fromkeys(TARGETS, 0)
    for target in TARGETS:  # warm up: imports, template compilation, pools, caches
        completed[target] += measure(rig, ports[target], code, WARMUP_SURVEYS)["surveys"]

    print(
        f"\nchild journey: {WALKERS} phones, {REQUESTS_PER_SURVEY} requests a survey, "
        f"{ROUNDS} rounds of {SURVEYS_PER_ROUND} surveys, real and bare in turn"
    )
    print(
        f"{'round':>5}  {'target':<7}{'surveys':>8}{'surveys/s':>10}{'page p50':>10}"
        f"{'page p99':>10}   CPU ms per survey: app / postgres / redis  client cores"
    )
    rounds: dict[str, list[dict[str, Any]]] = {target: [] for target in TARGETS}
    pooled: dict[str, dict[str, list[float]]] = {target: {} for target in TARGETS}
    for number in range(1, ROUNDS + 1):
        for target in TARGETS:
            walked = measure(rig, ports[target], code, SURVEYS_PER_ROUND)
            completed[target] += walked["surveys"]
            every = [value for values in walked["latencies"].values() for value in values]
            for kind, values in walked["latencies"].items():
                pooled[target].setdefault(kind, []).extend(values)
            cpu = walked["cpu"]
            surveys = walked["surveys"] or 1
            row = {
                "surveys": walked["surveys"],
                "seconds": round(walked["seconds"], 2),
                "surveys_per_second": round(walked["surveys"] / walked["seconds"], 2),
                "page_p50_ms": round(loadgen.percentile(every, 0.5) * 1000, 1),
                "page_p99_ms": round(loadgen.percentile(every, 0.99) * 1000, 1),
                "cpu_ms_per_survey": {
                    "app": round(cpu[groups[target]] / surveys * 1000, 1),
                    "postgres": round(cpu.get("postgres", 0) / surveys * 1000, 1),
                    "redis": round(cpu.get("redis", 0) / surveys * 1000, 1),
                },
                "client_cores": round(walked["client_cores"], 2),
            }
            rounds[target].append(row)
            per = row["cpu_ms_per_survey"]
            print(
                f"{number:>5}  {target:<7}{row['surveys']:>8}{row['surveys_per_second']:>10.1f}"
                f"{row['page_p50_ms']:>10.1f}{row['page_p99_ms']:>10.1f}   "
                f"{per['app']:>8.1f} / {per['postgres']:.1f} / {per['redis']:.1f}"
                f"{row['client_cores']:>12.2f}",
                flush=True,
            )

    saved, stored = count_rows(conninfo, distribution_id)
    if saved != completed["real"]:
        raise run.BenchmarkFailed(
            f"{completed['real']} surveys were thanked but {saved} responses were saved"
        )
    if stored != completed["bare"]:
        raise run.BenchmarkFailed(f"the bare app finished {completed['bare']} but stored {stored}")

    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "walkers": WALKERS,
        "requests_per_survey": REQUESTS_PER_SURVEY,
        "rounds": ROUNDS,
        "surveys_per_round": SURVEYS_PER_ROUND,
    }
    for target in TARGETS:
        every = [value for values in pooled[target].values() for value in values]
        results[target] = {
            "median_surveys_per_second": round(
                statistics.median(r["surveys_per_second"] for r in rounds[target]), 2
            ),
            "page_p50_ms": round(loadgen.percentile(every, 0.5) * 1000, 1),
            "page_p99_ms": round(loadgen.percentile(every, 0.99) * 1000, 1),
            "p50_ms_by_page": {
                kind: round(loadgen.percentile(values, 0.5) * 1000, 1)
                for kind, values in pooled[target].items()
            },
            "cpu_ms_per_survey_median": {
                name: round(
                    statistics.median(r["cpu_ms_per_survey"][name] for r in rounds[target]), 1
                )
                for name in ("app", "postgres", "redis")
            },
            "rounds": rounds[target],
        }
    results["ratio"] = round(
        results["real"]["median_surveys_per_second"] / results["bare"]["median_surveys_per_second"],
        3,
    )
    results["ratio_by_round"] = [
        round(real["surveys_per_second"] / bare["surveys_per_second"], 3)
        for real, bare in zip(rounds["real"], rounds["bare"], strict=True)
    ]
    results["ratio_goal"] = RATIO_GOAL
    results["seconds"] = round(time.monotonic() - began, 1)
    return results


def summary(results: dict[str, Any]) -> str:
    lines = []
    for target, label in (("real", "real app"), ("bare", "bare Flask app")):
        found = results[target]
        cpu = found["cpu_ms_per_survey_median"]
        lines.append(
            f"child journey, {label + ':':<16}{found['median_surveys_per_second']:>6.1f} surveys/s "
            f"(median of {results['rounds']})  page p50 {found['page_p50_ms']:.1f} ms  "
            f"p99 {found['page_p99_ms']:.1f} ms  CPU per survey {cpu['app']:.1f} ms app + "
            f"{cpu['postgres']:.1f} postgres + {cpu['redis']:.1f} redis"
        )
    lines.append(
        f"ratio real/bare: {results['ratio']:.2f} (goal >= {RATIO_GOAL:.2f}); by round: "
        + ", ".join(f"{ratio:.2f}" for ratio in results["ratio_by_round"])
    )
    lines.append(
        "page p50 ms by kind, real / bare: "
        + ", ".join(
            f"{kind} {ms:.1f}/{results['bare']['p50_ms_by_page'].get(kind, float('nan')):.1f}"
            for kind, ms in results["real"]["p50_ms_by_page"].items()
        )
    )
    return "\n".join(lines)


def main() -> int:
    signal.signal(signal.SIGTERM, run._interrupt)
    signal.signal(signal.SIGHUP, run._interrupt)
    rig = run.Rig()
    status = 0
    results: dict[str, Any] = {}
    try:
        results = benchmark(rig)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything", file=sys.stderr)
        status = 130
    except (run.BenchmarkFailed, WrongPage) as problem:
        print(f"\nERROR: {problem}", file=sys.stderr)
        print(rig.logs()[-6000:], file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        rig.close()
    if status == 0:
        run.RESULTS.parent.mkdir(parents=True, exist_ok=True)
        kept = json.loads(run.RESULTS.read_text()) if run.RESULTS.exists() else {}
        run.RESULTS.write_text(json.dumps({**kept, "journey": results}, indent=2) + "\n")
        print(f"\nfinished in {results['seconds']:.0f} s\n")
        print(summary(results))
        if results["ratio"] < RATIO_GOAL:
            print("goals missed: journey ratio")
    return status


if __name__ == "__main__":
    sys.exit(main())
