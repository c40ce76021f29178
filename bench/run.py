"""Benchmarks of the child's side of the service, run with `make bench` from the repo root.

Starts its own PostgreSQL, Redis, gunicorn and dramatiq worker on loopback, then measures, in
one run: submissions per second of the real submit endpoint against a bare WSGI ceiling on the
same database server, the bytes and requests of the first question page, and how long a
submission takes to show in the counts at 100 submissions a second. Prints a table, writes
bench/results/latest.json, and exits non-zero if a check fails.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import loadgen  # noqa: E402  (bench/ is the script's own folder, so it is on sys.path)
import psycopg  # noqa: E402
import redis  # noqa: E402
from ceiling import TABLE_SQL  # noqa: E402

from survey_app import operations  # noqa: E402
from survey_app.crypto import TextVault  # noqa: E402
from survey_app.db import Database  # noqa: E402
from survey_app.definitions import load_directory  # noqa: E402
from survey_app.respondent import drafts, journey  # noqa: E402
from tests.services import (  # noqa: E402
    PostgresServer,
    RedisServer,
    ServiceError,
    _find_pg_bindir,
    _find_redis,
    free_port,
)
from tests.stack import BIN, Stack  # noqa: E402

HOST = "127.0.0.1"
RESULTS = ROOT / "bench" / "results" / "latest.json"

ROUNDS = 3
REQUESTS_PER_ROUND = int(os.environ.get("BENCH_REQUESTS", "1500"))
WARMUP_REQUESTS = 100
CONCURRENCY = 16
ROUND_TIME_LIMIT = 40.0  # seconds; a round stops handing out requests after this
RATIO_GOAL = 0.5
FLASK_RATIO_GOAL = 0.6
CEILING_APPS = {
    "ceiling": "ceiling:app",
    "flask": "flask_ceiling:app",
    "journey_flask": "journey_flask:app",
}
SUBMIT_TARGETS = ("real", "ceiling", "flask")

RATE = 100.0  # submissions a second, open loop
RATE_SECONDS = 10.0
RATE_WARMUP = 20
POLL_INTERVAL = 0.010
COUNT_TIMEOUT = 60.0  # seconds to wait for the last submission to be counted
LATENCY_GOAL = 0.25

FIRST_PAGE_GOAL_BYTES = 14_336  # what fits in TCP's first round trip (10 segments)
FIRST_PAGE_GOAL_REQUESTS = 2

# A complete set of answers to tests/data/surveys/test-child.yaml, with a phone number in the
# free text so the worker's redaction has something to do.
ANSWERS: dict[str, Any] = {
    "_age_band": "12-17",
    "went": "no",
    "why_not": ["scared"],
    "feel": "okay",
    "times": 2,
    "better": "call me on 07700 900412",
}


class BenchmarkFailed(Exception):
    """A check on what the benchmark measured failed."""


# Processes -----------------------------------------------------------------------------------


class Rig:
    """Everything the benchmark starts, so that all of it is stopped and removed at the end."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-"))
        self.postgres: PostgresServer | None = None
        self.redis: RedisServer | None = None
        self.stack: Stack | None = None
        # The bare apps served beside the real one: "ceiling" (bench/ceiling.py, bare WSGI) and
        # "flask" (bench/flask_ceiling.py, bare Flask), by name, each on its own port.
        self.ceilings: dict[str, subprocess.Popen[bytes]] = {}
        self.ceiling_ports = {name: free_port() for name in CEILING_APPS}

    def start_services(self) -> None:
        bindir, redis_binary = _find_pg_bindir(), _find_redis()
        if bindir is None or redis_binary is None:
            raise BenchmarkFailed("PostgreSQL (initdb/postgres) and redis-server must be installed")
        self.postgres = _start_with_retries(lambda: PostgresServer(bindir))
        self.redis = _start_with_retries(lambda: RedisServer(redis_binary))

    def start_ceiling(self, name: str, conninfo: str, env: dict[str, str] | None = None) -> None:
        """Serve one of CEILING_APPS with gunicorn, 2 sync workers, as the real app is served."""
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        port = self.ceiling_ports[name]
        self.ceilings[name] = process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                "2",
                "--bind",
                f"{HOST}:{port}",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
                "--pythonpath",
                str(ROOT / "bench"),
                CEILING_APPS[name],
            ],
            env={**os.environ, **(env or {}), "BENCH_CEILING_DSN": conninfo},
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchmarkFailed(f"the {name} app exited:\n{self.logs()}")
            reply = asyncio.run(loadgen.fetch(HOST, port, "GET", "/"))
            if reply.status == 200:
                return
            time.sleep(0.2)
        raise BenchmarkFailed(f"the {name} app did not answer within 30 s:\n{self.logs()}")

    def stop_ceilings(self) -> None:
        for process in self.ceilings.values():
            _stop_group(process)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )

    def close(self) -> None:
        """Stop everything; one step failing does not keep the others from running."""
        steps = [
            self.stack.stop if self.stack else None,
            self.stop_ceilings,
            self.redis.close if self.redis else None,
            self.postgres.close if self.postgres else None,
            lambda: shutil.rmtree(self.workdir, ignore_errors=True),
        ]
        for step in steps:
            if step is None:
                continue
            try:
                step()
            except Exception as problem:  # report and go on cleaning up
                print(f"clean-up step failed: {problem!r}", file=sys.stderr)

    def process_groups(self) -> dict[str, int]:
        """Process group ids (every process here starts its own session) by role."""
        groups = {}
        for name, process in (
            ("web", self.stack.web if self.stack else None),
            *self.ceilings.items(),
            ("postgres", self.postgres.proc if self.postgres else None),
            ("redis", self.redis.proc if self.redis else None),
            ("worker", self.stack.worker if self.stack else None),
        ):
            if process is not None and process.poll() is None:
                groups[name] = process.pid
        return groups


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_by_group(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the live processes of each group: the leader's
    process group, plus the leader's children (PostgreSQL backends call setsid())."""
    names = {pgid: name for name, pgid in groups.items()}
    used = dict.fromkeys(groups, 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        name = names.get(int(fields[2])) or names.get(int(fields[1]))  # pgrp, else parent
        if name is not None:
            used[name] += (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return used


def _start_with_retries(make: Any) -> Any:
    """Start a server, trying a new port if another process took the chosen one meanwhile."""
    for attempt in range(3):
        server = make()
        try:
            return server.start()
        except (ServiceError, OSError) as problem:
            server.close()
            if (
                attempt == 2
                or "in use" not in str(problem)
                and "could not bind" not in str(problem)
            ):
                raise
    raise AssertionError("unreachable")


def _stop_group(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


# Set-up --------------------------------------------------------------------------------------


def make_drafts(stack: Stack, database_url: str, code: str, count: int) -> list[str]:
    """Finished drafts made with the project's own functions; returns their cookie tokens."""
    definitions = load_directory(stack.env["SURVEY_SURVEY_DIR"])
    vault = TextVault(stack.env["SURVEY_TEXT_KEY"])
    database = Database.from_url(database_url)
    tokens = []
    try:
        with database.session() as session:
            distribution = operations.distribution_by_code(session, code)
            assert distribution is not None
            definition = definitions[distribution.survey_id]
            if journey.missing_required(definition, ANSWERS) is not None:
                raise BenchmarkFailed("the benchmark's answers do not complete the survey")
            seen = journey.steps(definition, ANSWERS)
            # Marked as the pages mark a finished draft (Send may save it in one statement).
            sendable = journey.sendable_version(definition, ANSWERS, [])
            for index in range(count):
                draft, token = drafts.start_draft(
                    session, vault, distribution.id, "en", False, dt.timedelta(hours=24)
                )
                drafts.write_draft(vault, draft, drafts.DraftState(dict(ANSWERS), seen), sendable)
                tokens.append(token)
                if index % 500 == 499:
                    session.commit()
            session.commit()
    finally:
        database.engine.dispose()
    return tokens


def cookies_from(reply: loadgen.Reply) -> dict[str, str]:
    found = {}
    for line in reply.headers.get("set-cookie", "").split("\n"):
        name, _, value = line.split(";", 1)[0].partition("=")
        if name.strip() and value:
            found[name.strip()] = value.strip()
    return found


def text_of(reply: loadgen.Reply) -> str:
    body = reply.body
    if reply.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return body.decode("utf-8")


def csrf_token_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise BenchmarkFailed(f"no CSRF token on the page:\n{html[:500]}")
    return found.group(1)


async def welcome_session(port: int, code: str) -> tuple[str, str]:
    """The form cookie and its CSRF token, from GETting the welcome page once."""
    reply = await loadgen.fetch(HOST, port, "GET", f"/s/{code}")
    if reply.status != 200:
        raise BenchmarkFailed(f"welcome page answered {reply.status} {reply.error}")
    form = cookies_from(reply).get("form")
    if not form:
        raise BenchmarkFailed("the welcome page set no form cookie")
    return f"form={form}", csrf_token_in(text_of(reply))


def submit_requests(
    port: int, code: str, session_cookie: str, csrf_token: str, draft_tokens: Sequence[str]
) -> list[bytes]:
    """One POST /s/<code>/submit per draft, as a browser without JavaScript sends it."""
    body = urlencode({"csrf_token": csrf_token}).encode()
    return [
        loadgen.build_request(
            "POST",
            f"/s/{code}/submit",
            f"{HOST}:{port}",
            {
                "Cookie": f"{session_cookie}; draft={token}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept-Encoding": "gzip",
                "Connection": "keep-alive",
            },
            body,
        )
        for token in draft_tokens
    ]


def check_replies(replies: Sequence[loadgen.Reply], thanks_path: str, what: str) -> None:
    bad = [
        r
        for r in replies
        if r.status != 303 or urlsplit(r.headers.get("location", "")).path != thanks_path
    ]
    if bad:
        first = bad[0]
        raise BenchmarkFailed(
            f"{len(bad)} of {len(replies)} {what} replies were not 303 to {thanks_path}; first: "
            f"{first.status} {first.headers.get('location', '')!r} {first.error} "
            f"{first.body[:300]!r}"
        )


# 1 and 2: submit throughput against the ceiling ------------------------------------------------


def describe_run(
    run: loadgen.Run, cpu_seconds: float, server_cpu: dict[str, float]
) -> dict[str, Any]:
    latencies = [reply.latency for reply in run.replies]
    count = len(run.replies) or 1
    return {
        "requests": len(run.replies),
        "seconds": round(run.elapsed, 3),
        "per_second": round(run.throughput, 1),
        "p50_ms": round(loadgen.percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(loadgen.percentile(latencies, 0.99) * 1000, 1),
        "stopped_at_time_limit": run.stopped_early,
        "load_generator_cpu": round(cpu_seconds / run.elapsed, 2) if run.elapsed else None,
        "cpu_ms_per_request": {
            name: round(seconds / count * 1000, 2) for name, seconds in server_cpu.items()
        },
    }


def measure(
    rig: Rig, port: int, requests: Sequence[bytes]
) -> tuple[loadgen.Run, float, dict[str, float]]:
    """One closed-loop run; also the CPU the load generator and each server group used."""
    groups = rig.process_groups()
    servers, cpu = cpu_by_group(groups), time.process_time()
    run = asyncio.run(loadgen.closed_loop(HOST, port, requests, CONCURRENCY, ROUND_TIME_LIMIT))
    cpu = time.process_time() - cpu
    after = cpu_by_group(groups)
    return run, cpu, {name: after[name] - servers[name] for name in groups}


def throughput(rig: Rig, code: str, requests: dict[str, list[bytes]]) -> dict[str, Any]:
    """Rounds of each target in turn (real, bare WSGI, bare Flask); median throughput, pooled
    latency, the ratios of the real app to each bare one."""
    assert rig.stack is not None
    thanks = f"/s/{code}/thanks"
    targets = tuple(requests)
    sent = dict.fromkeys(targets, 0)
    ports = {"real": rig.stack.port, **rig.ceiling_ports}
    groups = {"real": "web", **{name: name for name in rig.ceiling_ports}}
    queues = {target: iter(requests[target]) for target in targets}

    def take(target: str, count: int) -> list[bytes]:
        return [next(queues[target]) for _ in range(count)]

    for target in targets:  # warm each up: imports, pools, caches
        run, _, _ = measure(rig, ports[target], take(target, WARMUP_REQUESTS))
        check_replies(run.replies, thanks, f"{target} warm-up")
        sent[target] += len(run.replies)

    rounds: dict[str, list[dict[str, Any]]] = {target: [] for target in targets}
    latencies: dict[str, list[float]] = {target: [] for target in targets}
    print(f"{'':33}{'latency ms':^17} {'CPU ms per request':^24} {'client':>7}")
    print(
        f"{'round':>5}  {'target':<8}{'requests':>8}{'req/s':>9}  {'p50':>7} {'p99':>7}   "
        f"{'app':>6} {'postgres':>8} {'redis':>6}  {'cores':>6}"
    )
    for number in range(1, ROUNDS + 1):
        for target in targets:
            run, cpu, servers = measure(rig, ports[target], take(target, REQUESTS_PER_ROUND))
            check_replies(run.replies, thanks, target)
            sent[target] += len(run.replies)
            app_cpu = servers.pop(groups[target])
            for other in targets:
                servers.pop(groups[other], None)
            row = describe_run(run, cpu, {"app": app_cpu, **servers})
            rounds[target].append(row)
            latencies[target] += [reply.latency for reply in run.replies]
            cut = "  (time limit)" if run.stopped_early else ""
            per = row["cpu_ms_per_request"]
            print(
                f"{number:>5}  {target:<8}{row['requests']:>8}{row['per_second']:>9.1f}  "
                f"{row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f}   {per['app']:>6.2f} "
                f"{per['postgres']:>8.2f} {per.get('redis', 0):>6.2f}  "
                f"{row['load_generator_cpu']:>6.2f}{cut}",
                flush=True,
            )

    summary: dict[str, Any] = {}
    for target in targets:
        summary[target] = {
            "median_per_second": round(
                statistics.median(r["per_second"] for r in rounds[target]), 1
            ),
            "p50_ms": round(loadgen.percentile(latencies[target], 0.50) * 1000, 1),
            "p99_ms": round(loadgen.percentile(latencies[target], 0.99) * 1000, 1),
            "cpu_ms_per_request_median": {
                name: round(
                    statistics.median(r["cpu_ms_per_request"][name] for r in rounds[target]), 2
                )
                for name in rounds[target][0]["cpu_ms_per_request"]
            },
            "rounds": rounds[target],
            "requests_sent_including_warm_up": sent[target],
        }
    real = summary["real"]["median_per_second"]
    summary["ratio"] = round(real / summary["ceiling"]["median_per_second"], 3)
    summary["ratio_goal"] = RATIO_GOAL
    if "flask" in summary:
        summary["ratio_flask"] = round(real / summary["flask"]["median_per_second"], 3)
        summary["ratio_flask_goal"] = FLASK_RATIO_GOAL
    # The same ratios round by round (each round's targets ran one after the other).
    summary["ratio_by_round"] = [
        {
            other: round(rounds["real"][i]["per_second"] / rounds[other][i]["per_second"], 3)
            for other in targets
            if other != "real"
        }
        for i in range(ROUNDS)
    ]
    return summary


def count_saved(conninfo: str, distribution_id: int) -> tuple[int, int]:
    """(responses saved for the distribution, rows the ceiling inserted)."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        saved = connection.execute(
            "select count(*) from responses where distribution_id = %s", (distribution_id,)
        ).fetchone()
        ceiling = connection.execute("select count(*) from bench_ceiling").fetchone()
    assert saved is not None and ceiling is not None
    return int(saved[0]), int(ceiling[0])


# 3: first question page ----------------------------------------------------------------------


class Subresources(HTMLParser):
    """What a browser would fetch to show a page: stylesheets, scripts, images, icons."""

    FETCHED_LINKS = {
        "stylesheet",
        "icon",
        "preload",
        "modulepreload",
        "manifest",
        "apple-touch-icon",
    }

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {name: value or "" for name, value in attrs}
        if tag == "link" and set(given.get("rel", "").lower().split()) & self.FETCHED_LINKS:
            kind = "stylesheet" if "stylesheet" in given["rel"].lower() else "link"
            self._add(kind, given.get("href", ""))
        elif tag == "script":
            self._add("script", given.get("src", ""))
        elif tag in ("img", "iframe", "embed", "source", "audio", "video") or (
            tag == "input" and given.get("type") == "image"
        ):
            self._add(tag, given.get("src", ""))
        elif tag == "object":
            self._add(tag, given.get("data", ""))

    def _add(self, kind: str, url: str) -> None:
        if url and not url.startswith("data:"):
            self.found.append((kind, url))


async def first_page(port: int, code: str) -> dict[str, Any]:
    """The first question page after Start, fetched as a browser would, with gzip."""
    gzip_only = {"Accept-Encoding": "gzip"}
    welcome = await loadgen.fetch(HOST, port, "GET", f"/s/{code}", gzip_only)
    cookies = cookies_from(welcome)
    form = urlencode({"csrf_token": csrf_token_in(text_of(welcome))}).encode()
    started = await loadgen.fetch(
        HOST,
        port,
        "POST",
        f"/s/{code}/start",
        {
            **gzip_only,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        form,
    )
    if started.status != 303:
        raise BenchmarkFailed(f"Start answered {started.status}, not 303")
    cookies.update(cookies_from(started))
    location = urlsplit(started.headers["location"])
    path = location.path + (f"?{location.query}" if location.query else "")
    page = await loadgen.fetch(
        HOST,
        port,
        "GET",
        path,
        {**gzip_only, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )
    if page.status != 200:
        raise BenchmarkFailed(f"the first question page {path} answered {page.status}")
    html = text_of(page)
    parser = Subresources()
    parser.feed(html)
    fetched = []
    for kind, url in parser.found:
        asset = await loadgen.fetch(HOST, port, "GET", urlsplit(url).path, gzip_only)
        if asset.status != 200:
            raise BenchmarkFailed(f"{url} answered {asset.status}")
        fetched.append(
            {
                "kind": kind,
                "url": url,
                "bytes": len(asset.body),
                "header_bytes": asset.header_bytes,
                "gzip": asset.headers.get("content-encoding") == "gzip",
            }
        )
        if kind == "stylesheet":  # a stylesheet's own url()s and @imports are requests too
            css = text_of(asset)
            for found in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
                if not found.startswith("data:"):
                    fetched.append(
                        {
                            "kind": "from-css",
                            "url": found,
                            "bytes": None,
                            "header_bytes": None,
                            "gzip": None,
                        }
                    )
    css_bytes = sum(f["bytes"] for f in fetched if f["kind"] == "stylesheet")
    other_bytes = sum(f["bytes"] or 0 for f in fetched if f["kind"] != "stylesheet")
    total = len(page.body) + css_bytes + other_bytes
    return {
        "path": path,
        "html_bytes": len(page.body),
        "html_gzip": page.headers.get("content-encoding") == "gzip",
        "html_uncompressed_bytes": len(html.encode()),
        "html_header_bytes": page.header_bytes,
        "css_bytes": css_bytes,
        "other_bytes": other_bytes,
        "total_bytes": total,
        "total_with_headers": total
        + page.header_bytes
        + sum(f["header_bytes"] or 0 for f in fetched),
        "requests": 1 + len(fetched),
        "subresources": fetched,
        "goal_bytes": FIRST_PAGE_GOAL_BYTES,
        "goal_requests": FIRST_PAGE_GOAL_REQUESTS,
    }


# 4: submit-to-aggregate latency --------------------------------------------------------------


async def submit_to_aggregate(
    port: int,
    code: str,
    conninfo: str,
    distribution_id: int,
    warm_up: list[bytes],
    timed: list[bytes],
    groups: dict[str, int],
) -> dict[str, Any]:
    """Submit at a fixed rate and watch distribution_totals for each submission being counted.

    This pairs the k-th HTTP completion with the k-th increment of the count (first in, first
    out). The worker runs 4 threads, so responses can be counted out of order; the figures are
    an estimate of the delay, not a per-response measurement.
    """
    thanks = f"/s/{code}/thanks"
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:

        async def counted() -> int:
            cursor = await connection.execute(
                "select sum(responses) from distribution_totals where distribution_id = %s",
                (distribution_id,),
            )
            row = await cursor.fetchone()
            return int(row[0] or 0) if row else 0

        warm = await loadgen.closed_loop(HOST, port, warm_up, 4, 30)
        check_replies(warm.replies, thanks, "latency warm-up")
        deadline = time.perf_counter() + 90  # the worker's first start imports a lot
        while await counted() < len(warm.replies):
            if time.perf_counter() > deadline:
                raise BenchmarkFailed("the worker counted nothing within 90 s of the warm-up")
            await asyncio.sleep(0.05)
        baseline = await counted()

        counted_at: list[float] = []
        target = len(timed)

        async def poll() -> None:
            seen = baseline
            while seen - baseline < target:
                value = await counted()
                now = time.perf_counter()
                counted_at.extend([now] * (value - seen))
                seen = max(seen, value)
                await asyncio.sleep(POLL_INTERVAL)

        poller = asyncio.create_task(poll())
        before = cpu_by_group(groups)
        run = await loadgen.open_loop(HOST, port, timed, RATE)
        check_replies(run.replies, thanks, "submit-to-aggregate")
        try:
            await asyncio.wait_for(poller, COUNT_TIMEOUT)
        except TimeoutError:
            raise BenchmarkFailed(
                f"only {len(counted_at)} of {target} submissions were counted within "
                f"{COUNT_TIMEOUT:.0f} s of the last one"
            ) from None
        after = cpu_by_group(groups)

    completed = sorted(reply.finished for reply in run.replies)
    delays = [count - done for count, done in zip(counted_at, completed, strict=True)]
    start = min(reply.started for reply in run.replies)
    return {
        "submissions": len(run.replies),
        "target_per_second": RATE,
        "achieved_per_second": round(len(run.replies) / (completed[-1] - start), 1),
        "p50_ms": round(loadgen.percentile(delays, 0.50) * 1000, 1),
        "p95_ms": round(loadgen.percentile(delays, 0.95) * 1000, 1),
        "max_ms": round(max(delays) * 1000, 1),
        "min_ms": round(min(delays) * 1000, 1),
        "http_p50_ms": round(loadgen.percentile([r.latency for r in run.replies], 0.5) * 1000, 1),
        "http_p99_ms": round(loadgen.percentile([r.latency for r in run.replies], 0.99) * 1000, 1),
        "cpu_ms_per_submission": {
            name: round((after[name] - before[name]) / len(timed) * 1000, 2) for name in groups
        },
        "poll_interval_ms": POLL_INTERVAL * 1000,
        "goal_p95_ms": LATENCY_GOAL * 1000,
        "pairing": "k-th HTTP completion with k-th count increment (FIFO assumption; estimate)",
    }


# The run -------------------------------------------------------------------------------------


def benchmark(rig: Rig) -> dict[str, Any]:
    began = time.monotonic()
    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "settings": {
            "rounds": ROUNDS,
            "requests_per_round": REQUESTS_PER_ROUND,
            "warm_up_requests": WARMUP_REQUESTS,
            "concurrency": CONCURRENCY,
            "round_time_limit_s": ROUND_TIME_LIMIT,
            "gunicorn_workers": 2,
            "rate_per_second": RATE,
            "rate_seconds": RATE_SECONDS,
        },
    }
    print("starting PostgreSQL and Redis ...", flush=True)
    rig.start_services()
    assert rig.postgres is not None and rig.redis is not None
    database_url = rig.postgres.create_database("bench")
    conninfo = rig.postgres.conninfo("bench")
    rig.stack = stack = Stack(database_url, rig.redis.url, rig.workdir)
    # gunicorn 25+ opens a control socket at one fixed path per user; two masters (and anyone
    # else's) would fight over it, and the benchmark has no use for it.
    stack.env["GUNICORN_CMD_ARGS"] = "--no-control-socket"
    print("migrating, loading surveys, making a distribution ...", flush=True)
    code = stack.prepare()["code"]
    with psycopg.connect(conninfo, autocommit=True) as connection:
        row = connection.execute("select id from distributions where code = %s", (code,)).fetchone()
        assert row is not None
        distribution_id = int(row[0])
        connection.execute(TABLE_SQL)

    throughput_drafts = WARMUP_REQUESTS + ROUNDS * REQUESTS_PER_ROUND
    latency_drafts = RATE_WARMUP + int(RATE * RATE_SECONDS)
    print(f"making {throughput_drafts + latency_drafts} finished drafts ...", flush=True)
    made = time.perf_counter()
    tokens = make_drafts(stack, database_url, code, throughput_drafts + latency_drafts)
    print(f"  {len(tokens)} drafts in {time.perf_counter() - made:.1f} s", flush=True)

    print(
        "starting gunicorn x2 (real app, broker: Redis, no worker), the bare WSGI and the bare "
        "Flask ceiling apps ...",
        flush=True,
    )
    stack.start_web(workers=2)
    for name in ("ceiling", "flask"):
        rig.start_ceiling(name, conninfo)

    page = asyncio.run(first_page(stack.port, code))
    results["first_page"] = page

    session_cookie, csrf_token = asyncio.run(welcome_session(stack.port, code))
    real = submit_requests(stack.port, code, session_cookie, csrf_token, tokens[:throughput_drafts])
    # The ceilings get byte-for-byte the same requests (they ignore the cookies).
    requests = {"real": real}
    for name in ("ceiling", "flask"):
        requests[name] = submit_requests(
            rig.ceiling_ports[name], code, session_cookie, csrf_token, tokens[:throughput_drafts]
        )
    print(
        f"\nsubmit throughput: {ROUNDS} rounds of {REQUESTS_PER_ROUND} requests each, "
        f"{CONCURRENCY} connections, each target in turn: real, bare WSGI, bare Flask",
        flush=True,
    )
    results["submit"] = submit = throughput(rig, code, requests)
    saved, inserted = count_saved(conninfo, distribution_id)
    submit["saved_responses"] = saved
    submit["ceiling_rows"] = inserted
    if saved != submit["real"]["requests_sent_including_warm_up"]:
        raise BenchmarkFailed(
            f"{submit['real']['requests_sent_including_warm_up']} submissions "
            f"were thanked but {saved} responses were saved"
        )
    answered = sum(submit[name]["requests_sent_including_warm_up"] for name in ("ceiling", "flask"))
    if inserted != answered:
        raise BenchmarkFailed(f"the ceilings answered {answered} requests but inserted {inserted}")
    print(f"  {saved} responses saved for {saved} thanked submissions", flush=True)
    rig.stop_ceilings()

    # The throughput rounds left thousands of saved, unprocessed responses and their messages.
    # Processing them is not what this part measures, and the worker's sweeper would re-send
    # them all at start, so they are marked done and the queue is emptied first.
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("update responses set anonymised = true, aggregated = true")
    redis.Redis.from_url(rig.redis.url).flushall()
    print(
        f"\nsubmit-to-aggregate: starting the dramatiq worker (1 process, 4 threads); "
        f"{int(RATE * RATE_SECONDS)} submissions at {RATE:.0f}/s, open loop",
        flush=True,
    )
    stack.start_worker(threads=4)
    later = submit_requests(
        stack.port, code, session_cookie, csrf_token, tokens[throughput_drafts:]
    )
    results["submit_to_aggregate"] = asyncio.run(
        submit_to_aggregate(
            stack.port,
            code,
            conninfo,
            distribution_id,
            later[:RATE_WARMUP],
            later[RATE_WARMUP:],
            rig.process_groups(),
        )
    )
    results["seconds"] = round(time.monotonic() - began, 1)
    return results


def summary(results: dict[str, Any]) -> str:
    real, ceiling = results["submit"]["real"], results["submit"]["ceiling"]
    flask = results["submit"]["flask"]
    page, lag = results["first_page"], results["submit_to_aggregate"]
    rounds = len(real["rounds"])
    lines = [
        f"submit endpoint (gunicorn x2, PostgreSQL, Redis): {real['median_per_second']:>6.0f}"
        f" /s median of {rounds}  p50 {real['p50_ms']:.1f} ms  p99 {real['p99_ms']:.1f} ms",
        f"bare WSGI insert ceiling:                         {ceiling['median_per_second']:>6.0f}"
        f" /s median of {rounds}  p50 {ceiling['p50_ms']:.1f} ms  p99 {ceiling['p99_ms']:.1f} ms",
        f"bare Flask insert ceiling:                        {flask['median_per_second']:>6.0f}"
        f" /s median of {rounds}  p50 {flask['p50_ms']:.1f} ms  p99 {flask['p99_ms']:.1f} ms",
        f"ratio real/WSGI ceiling: {results['submit']['ratio']:.2f} (goal >= {RATIO_GOAL:.2f}); "
        f"real/Flask ceiling: {results['submit']['ratio_flask']:.2f} "
        f"(goal >= {FLASK_RATIO_GOAL:.2f}); by round: "
        + ", ".join(
            "/".join(f"{value:.2f}" for value in ratios.values())
            for ratios in results["submit"]["ratio_by_round"]
        ),
        f"first question page: {page['html_bytes']:,} B HTML + {page['css_bytes']:,} B CSS"
        + (f" + {page['other_bytes']:,} B other" if page["other_bytes"] else "")
        + f" = {page['total_bytes']:,} B in {page['requests']} requests "
        f"(goal <= {FIRST_PAGE_GOAL_BYTES:,} B, <= {FIRST_PAGE_GOAL_REQUESTS})",
        f"submit-to-aggregate at {RATE:.0f}/s: p50 {lag['p50_ms']:.0f} ms"
        f"  p95 {lag['p95_ms']:.0f} ms  max {lag['max_ms']:.0f} ms"
        f" (goal p95 < {LATENCY_GOAL * 1000:.0f} ms), "
        f"achieved {lag['achieved_per_second']:.1f}/s",
        f"  (HTTP latency of those submits: p50 {lag['http_p50_ms']:.0f} ms"
        f"  p99 {lag['http_p99_ms']:.0f} ms; CPU ms per submission: "
        + ", ".join(f"{name} {ms:.2f}" for name, ms in lag["cpu_ms_per_submission"].items())
        + ")",
        "CPU per submit, app + postgres + redis (median of rounds): "
        + "  ".join(
            f"{name} {' + '.join(f'{v:.2f}' for v in cpu.values())} ms"
            for name, cpu in (
                ("real", real["cpu_ms_per_request_median"]),
                ("ceiling", ceiling["cpu_ms_per_request_median"]),
                ("flask", flask["cpu_ms_per_request_median"]),
            )
        ),
    ]
    return "\n".join(lines)


def _interrupt(_signal: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    rig = Rig()
    results: dict[str, Any] = {}
    status = 0
    try:
        results = benchmark(rig)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything", file=sys.stderr)
        status = 130
    except BenchmarkFailed as problem:
        print(f"\nERROR: {problem}", file=sys.stderr)
        print(rig.logs()[-6000:], file=sys.stderr)
        status = 1
    finally:
        # A second Ctrl-C must not cut the clean-up short and leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        rig.close()
    if status == 0:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        # Keep what other benchmark scripts wrote (bench/exports.py adds "downloads_and_exports").
        kept = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        kept = {key: value for key, value in kept.items() if key not in results}
        RESULTS.write_text(json.dumps({**results, **kept}, indent=2) + "\n")
        page = results["first_page"]
        print(
            f"\nfirst question page {page['path']}: HTML {page['html_bytes']:,} B gzip "
            f"({page['html_uncompressed_bytes']:,} B unzipped, +{page['html_header_bytes']} B "
            f"headers); subresources: "
            + (
                ", ".join(f"{f['kind']} {f['url']} {f['bytes']} B" for f in page["subresources"])
                or "none"
            )
        )
        print(f"finished in {results['seconds']:.0f} s; figures in {RESULTS.relative_to(ROOT)}\n")
        print(summary(results))
        failed = [
            name
            for name, missed in (
                ("ratio", results["submit"]["ratio"] < RATIO_GOAL),
                ("ratio to Flask", results["submit"]["ratio_flask"] < FLASK_RATIO_GOAL),
                ("first page bytes", results["first_page"]["total_bytes"] > FIRST_PAGE_GOAL_BYTES),
                (
                    "first page requests",
                    results["first_page"]["requests"] > FIRST_PAGE_GOAL_REQUESTS,
                ),
                (
                    "submit-to-aggregate p95",
                    results["submit_to_aggregate"]["p95_ms"] >= LATENCY_GOAL * 1000,
                ),
                (
                    f"{RATE:.0f}/s not sustained (so the p95 above is not at {RATE:.0f}/s)",
                    results["submit_to_aggregate"]["achieved_per_second"] < 0.95 * RATE,
                ),
            )
            if missed
        ]
        if failed:
            print(f"goals missed: {', '.join(failed)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
