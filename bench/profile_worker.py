"""Where the worker's time goes for each saved response: CPU per response of the real actors
(anonymise, then count) on PostgreSQL, called directly and through a real Redis broker and
dramatiq worker threads in this process, with a CPU-timed cProfile of the top costs.

Run: .venv/bin/python bench/profile_worker.py [responses]. A diagnostic, not part of `make
bench`; the responses are the shipped child survey's (child-cp-conference) with one or two
written answers of about 100-200 characters, some with a name, phone number or school in them.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import run  # noqa: E402  (bench/run.py: the same rig)
from profile_submit import logged_statements, print_areas  # noqa: E402

from tests.stack import Stack  # noqa: E402

SURVEY = "child-cp-conference"
BATCH = 100  # responses per timed batch; the median of the batches is reported

# Written the way children write (short sentences, little punctuation); some carry personal
# data for the anonymiser to find, most do not.
TEXTS = [
    "I didnt want to go because everyone talks about me like im not there and it makes me feel "
    "really small. I want my social worker to ask me first before the meeting",
    "My nan was not allowed to come and she is the one who knows me best, it would be better "
    "if she could sit next to me and Kayleigh from school could come too",
    "it was in school time and I missed my maths test and my teacher Mr Patel said I have to "
    "do it again at lunch which isnt fair",
    "nobody told me what the meeting was for until the day before. Next time text me on "
    "07700 900412 or tell my foster carer so I can get ready",
    "I was scared because my dad was going to be there and I didnt want to see him. Maybe I "
    "could talk to someone on my own first",
    "Make it shorter and use words I understand. They kept saying things like threshold and "
    "plan and I didnt know what they meant at all",
    "It would be better if it was at Oakfield Primary in the small room and not at the big "
    "office in town where I dont know anyone and it smells funny",
    "I liked it when Sarah my advocate explained everything to me before and after, that "
    "helped me a lot. More people should do that for kids",
    "they should let me bring my dog or at least have some snacks, the meeting went on for "
    "ages and I was hungry and bored and nobody noticed",
    "I want to live with my mum again and nobody listened to me when I said that. I said it "
    "three times and they just wrote something down",
]


def answers_for(rng: random.Random) -> dict[str, Any]:
    """A complete child's answers: two written answers if they missed the meeting, else one."""
    went = rng.choice(["yes", "yes", "no", "not_sure"])
    answers: dict[str, Any] = {
        "_age_band": rng.choice(["8-11", "12-17"]),
        "went_to_meeting": went,
        "knew_what_for": rng.choice(["yes", "no", "not_sure"]),
        "listened_to": rng.choice(["sad", "okay", "happy"]),
        "understood_decision": rng.choice(["yes", "some", "no"]),
        "who_helped": rng.choice(["advocate", "family_member", "foster_carer", "no_one"]),
        "how_you_felt": rng.choice(["sad", "okay", "happy"]),
        "make_it_better": rng.choice(TEXTS),
    }
    if went != "yes":
        answers["why_not_there"] = rng.sample(["school_time", "didnt_want_to", "nobody_asked"], 2)
        answers["why_not_more"] = rng.choice(TEXTS)[:200]
    return answers


def make_responses(count: int, distribution_id: int, seed: int = 12) -> list[int]:
    """Saved, unprocessed responses made by the real submit path (no broker message sent)."""
    import workers.main  # noqa: F401  (sets the workers up from SURVEY_*, as a worker process does)
    from survey_app.respondent import drafts, journey, submission
    from workers.context import current_context

    rng = random.Random(seed)
    context = current_context()
    definition = context.surveys()[SURVEY]
    database, vault = context.database, context.vault
    link_key = context.settings["LINK_KEY"]
    made: list[int] = []
    with database.session() as session:
        for _ in range(count):
            answers = answers_for(rng)
            if journey.missing_required(definition, answers) is not None:
                raise SystemExit(f"the made-up answers do not complete {SURVEY}")
            draft, token = drafts.start_draft(
                session, vault, distribution_id, "en", False, dt.timedelta(hours=1)
            )
            state = drafts.DraftState(answers, journey.steps(definition, answers))
            # Marked sendable as the pages mark a finished draft: Send saves it sealed, and the
            # worker's work includes opening it.
            drafts.write_draft(
                vault, draft, state, journey.sendable_version(definition, answers, [])
            )
            session.commit()
            outcome = submission.send_draft(
                session,
                definition,
                distribution_id,
                token,
                vault,
                made.append,
                link_key,
                sent_at=context.clock.now(),
            )
            assert outcome.status == submission.SENT, outcome
    return made


def process_directly(response_id: int) -> None:
    """What the worker's actor runs for one response, without the broker."""
    from workers import actors

    actors.process_response.fn(response_id)


def direct(ids: list[int]) -> dict[str, Any]:
    """CPU and wall time per response, the actors' bodies called one after the other."""
    cpu_ms, wall_ms = [], []
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        wall, cpu = time.perf_counter(), time.process_time()
        for response_id in batch:
            process_directly(response_id)
        cpu_ms.append((time.process_time() - cpu) / len(batch) * 1000)
        wall_ms.append((time.perf_counter() - wall) / len(batch) * 1000)
    return {
        "responses": len(ids),
        "batches": len(cpu_ms),
        "cpu_ms_per_response_median": round(statistics.median(cpu_ms), 2),
        "cpu_ms_per_response_batches": [round(v, 2) for v in cpu_ms],
        "wall_ms_per_response_median": round(statistics.median(wall_ms), 2),
    }


def through_the_broker(
    count: int, distribution_id: int, conninfo: str, threads: int = 4
) -> dict[str, Any]:
    """count new responses' messages sent as the submit view sends them, then consumed by a
    dramatiq worker with `threads` threads in this process; the process's CPU from the worker's
    resuming until every response is counted (making the responses and sending the messages is
    the web's cost and is not included).

    The worker is started first and paused once its sweeper's first pass has run, as
    `bench/burst.py` does: otherwise that pass re-sends every response made before it started,
    and the worker processes each twice (the second a no-op that still costs)."""
    import dramatiq

    from workers import actors
    from workers.main import broker

    with psycopg.connect(conninfo, autocommit=True) as connection:
        worker = dramatiq.Worker(broker, worker_threads=threads, queues={actors.QUEUE})
        worker.start()
        try:
            deadline = time.monotonic() + 60
            while connection.execute("select count(*) from worker_heartbeats").fetchone() == (0,):
                if time.monotonic() > deadline:
                    raise SystemExit("the worker's sweeper did not run within 60 s")
                time.sleep(0.05)
            time.sleep(1.0)  # the heartbeat is written just before the pass's sweep
            worker.pause()
            ids = make_responses(count, distribution_id, seed=13)
            for response_id in ids:
                actors.enqueue_processing(response_id)

            def left() -> int:
                row = connection.execute(
                    "select count(*) from responses where id = any(%s) and not aggregated", (ids,)
                ).fetchone()
                assert row is not None
                return int(row[0])

            wall, cpu = time.perf_counter(), time.process_time()
            worker.resume()
            deadline = time.monotonic() + 300
            while left():
                if time.monotonic() > deadline:
                    raise SystemExit("the worker did not count every response within 300 s")
                time.sleep(0.05)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        finally:
            worker.stop()
    return {
        "responses": len(ids),
        "threads": threads,
        "cpu_ms_per_response": round(cpu / len(ids) * 1000, 2),
        "responses_per_second": round(len(ids) / wall, 1),
    }


def statements_per_response(rig: run.Rig, ids: list[int]) -> float:
    """Every round trip PostgreSQL receives while the worker processes ids (log_statement)."""
    assert rig.postgres is not None
    with psycopg.connect(rig.postgres.conninfo("profile_worker"), autocommit=True) as admin:
        admin.execute("alter system set log_statement = 'all'")
        admin.execute("select pg_reload_conf()")
        time.sleep(0.5)
        log_start = os.path.getsize(rig.postgres.log_path)
        for response_id in ids:
            process_directly(response_id)
        time.sleep(0.3)
        admin.execute("alter system reset log_statement")
        admin.execute("select pg_reload_conf()")
    logged = logged_statements(rig.postgres.log_path, log_start)
    print(f"what PostgreSQL received per response (log_statement = all, {len(ids)} responses):")
    for statement, seen in Counter(logged).most_common():
        print(f"  {seen / len(ids):5.2f}  {statement}")
    print(f"  {len(logged) / len(ids):5.2f}  in all (BEGIN and COMMIT included)\n")
    return len(logged) / len(ids)


def profile(ids: list[int], top: int) -> dict[str, Any]:
    """A CPU-timed cProfile of the actors' bodies over ids; returns the Python function calls
    and the profiled CPU per response (steadier than plain CPU time on a loaded machine)."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for response_id in ids:
        process_directly(response_id)
    profiler.disable()
    stats = pstats.Stats(profiler)
    dump = ROOT / "bench" / "results" / "profile_worker.prof"
    dump.parent.mkdir(parents=True, exist_ok=True)
    stats.dump_stats(dump)
    print_areas(stats, "the worker's processing")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return {
        "function_calls_per_response": round(stats.total_calls / len(ids)),  # type: ignore[attr-defined]
        "profiled_cpu_ms_per_response": round(stats.total_tt / len(ids) * 1000, 2),  # type: ignore[attr-defined]
    }


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    rig = run.Rig()
    try:
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        database_url = rig.postgres.create_database("profile_worker")
        conninfo = rig.postgres.conninfo("profile_worker")
        # A sweep would re-send the responses made here before their own messages arrive.
        stack = Stack(
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
            stack.cli("distribute", SURVEY, "--council", "Suffolk", "--label", "X", "--json")
        )
        # workers.main, imported below, sets the workers up from these SURVEY_* settings.
        os.environ.update({k: v for k, v in stack.env.items() if k.startswith("SURVEY_")})
        with psycopg.connect(conninfo, autocommit=True) as connection:
            row = connection.execute(
                "select id from distributions where code = %s", (made["code"],)
            ).fetchone()
        assert row is not None
        distribution_id = int(row[0])
        ids = make_responses(50 + 2 * count, distribution_id)
        for response_id in ids[:50]:  # warm up: imports, word lists, compiled statements
            process_directly(response_id)
        timed, profiled = ids[50 : 50 + count], ids[50 + count : 50 + 2 * count]
        statements = statements_per_response(rig, timed[:20])
        results: dict[str, Any] = {"statements_per_response": round(statements, 2)}
        results["direct"] = direct(timed[20:])
        print(
            f"\nworker, the actors' bodies called directly, {count} responses: "
            f"{results['direct']['cpu_ms_per_response_median']:.2f} ms CPU per response "
            f"(median of {results['direct']['batches']} batches of {BATCH}: "
            f"{results['direct']['cpu_ms_per_response_batches']}), "
            f"{results['direct']['wall_ms_per_response_median']:.2f} ms wall",
            flush=True,
        )
        results["profiled"] = profile(profiled, 30)
        print(
            f"under the CPU-timed profiler: {results['profiled']['function_calls_per_response']}"
            f" Python function calls and {results['profiled']['profiled_cpu_ms_per_response']}"
            " ms per response\n",
            flush=True,
        )
        results["broker"] = through_the_broker(count, distribution_id, conninfo)
        print(
            f"worker through Redis and a dramatiq worker (4 threads), {count} responses: "
            f"{results['broker']['cpu_ms_per_response']:.2f} ms CPU per response, "
            f"{results['broker']['responses_per_second']:.0f} responses/s\n",
            flush=True,
        )
        print(json.dumps(results, indent=2))
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
