"""Downloads and exports as the number of responses grows, run by `make bench` after run.py.

Starts its own PostgreSQL on loopback, bulk-loads anonymised, counted responses of the child
survey (10,000, then 1,000,000 in all), fills the precomputed totals with SQL GROUP BY, and
measures: aggregates.csv through the Flask app at both sizes; the full export of every response
through the real `build_export` actor, in a process of its own (wall time and peak RSS); and a
naive export of the same data (every row loaded with the ORM, the CSV built as one string) for
comparison. Prints a table and adds the figures to bench/results/latest.json under "exports".
"""

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import pstats
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

# Kept light at import: the child processes that measure memory start from this module too.
if TYPE_CHECKING:
    from tests.services import PostgresServer

RESULTS = ROOT / "bench" / "results" / "latest.json"
SURVEY = "child-cp-conference"
SMALL = 10_000
LARGE = int(os.environ.get("BENCH_EXPORT_RESPONSES", "1000000"))
COUNCILS = ("Essex", "Norfolk", "Suffolk", "Cambridgeshire", "Hertfordshire", "Bedford")
AGGREGATE_RUNS = 15  # timed downloads at each size, after one warm-up
AGGREGATE_GOAL_MS = 100.0
EXPORT_GOAL_SECONDS = 60.0
EXPORT_GOAL_MB = 200.0
XLSX = os.environ.get("BENCH_EXPORT_XLSX", "1") != "0"
XLSX_COUNCIL = COUNCILS[0]
NAIVE_MEMORY_LIMIT = 12 * 1024**3  # the naive export is stopped above this (bytes)
BENCH_USER = "bench@example.org"

# One response a row of generate_series: answers like the child survey's, a quarter with a
# written answer (stored redacted, as the worker leaves it), spread over 300 days.
LOAD_SQL = """
with drawn as (
    select n, random() as r1, random() as r2, random() as r3, random() as r4,
           random() as r5, random() as r6, random() as r7, random() as r8
    from generate_series(%(first)s::int, %(last)s::int) as n
), shaped as (
    select *, (array['yes', 'yes', 'yes', 'no', 'not_sure'])[1 + floor(r1 * 5)::int] as went
    from drawn
)
insert into responses (distribution_id, survey_version, submitted_on, period, language,
                       age_band, answers, anonymised, aggregated, wave, superseded, cell_key)
select (%(distributions)s::int[])[1 + n %% cardinality(%(distributions)s::int[])],
       1,
       date '2026-01-01' + (n %% 300),
       -- the quarter it was sent in, as the service names it (the survey's periods)
       '2026-Q' || extract(quarter from date '2026-01-01' + (n %% 300))::int,
       case when r8 < 0.9 then 'en' else 'pl' end,
       case when r7 < 0.4 then '8-11' else '12-17' end,
       json_strip_nulls(json_build_object(
           'went_to_meeting', went,
           'why_not_there', case when went <> 'yes' then json_build_array(
               (array['didnt_know', 'school_time', 'didnt_want_to', 'scared_or_worried',
                      'nobody_asked'])[1 + floor(r2 * 5)::int]) end,
           'why_not_more', case when went <> 'yes' and r3 < 0.3 then 'written' end,
           'knew_what_for', (array['yes', 'no', 'not_sure'])[1 + floor(r3 * 3)::int],
           'listened_to', (array['very_sad', 'sad', 'okay', 'happy', 'very_happy'])
               [1 + floor(r4 * 5)::int],
           'understood_decision', (array['yes', 'some', 'no'])[1 + floor(r5 * 3)::int],
           'who_helped', (array['advocate', 'family_member', 'foster_carer', 'teacher',
                                'no_one', 'someone_else'])[1 + floor(r6 * 6)::int],
           'how_you_felt', (array['very_sad', 'sad', 'okay', 'happy', 'very_happy'])
               [1 + floor(r7 * 5)::int],
           'make_it_better', case when r8 < 0.25 then 'written' end)),
       true, true, '', false, floor(random() * 2147483648)::int
from shaped
"""

FREE_TEXT_SQL = """
insert into free_texts (response_id, question_id, redacted, raw_destroyed_on, held_back)
select r.id, answer.key,
       'It would be better if [PERSON] had told me what the meeting was for and listened to '
       || 'me more, like my teacher at [SCHOOL] does.',
       current_date, false
from responses r, json_each_text(r.answers) as answer
where r.id > %(after)s and answer.value = 'written'
"""

# The precomputed totals, as `aggregating.aggregate_response` keeps them, from the answers.
TOTALS_SQL = [
    "truncate answer_counts, question_bases, distribution_totals",
    """
    insert into answer_counts (distribution_id, council_id, survey_id, question_id, option,
                               age_band, wave, count, key_sum)
    select r.distribution_id, d.council_id, d.survey_id, answer.key, chosen.option,
           r.age_band, r.wave, count(*), sum(r.cell_key)
    from responses r
    join distributions d on d.id = r.distribution_id
    cross join lateral json_each(r.answers) as answer
    cross join lateral (
        select distinct value as option
        from json_array_elements_text(case when json_typeof(answer.value) = 'array'
                                           then answer.value
                                           else json_build_array(answer.value) end)
    ) as chosen
    where r.aggregated and not r.superseded
    group by 1, 2, 3, 4, 5, 6, 7
    """,
    """
    insert into question_bases (distribution_id, council_id, survey_id, question_id,
                                age_band, wave, base, key_sum)
    select r.distribution_id, d.council_id, d.survey_id, answer.key, r.age_band, r.wave,
           count(*), sum(r.cell_key)
    from responses r
    join distributions d on d.id = r.distribution_id
    cross join lateral json_object_keys(r.answers) as answer(key)
    where r.aggregated and not r.superseded
    group by 1, 2, 3, 4, 5, 6
    """,
    """
    insert into distribution_totals (distribution_id, age_band, wave, responses)
    select distribution_id, age_band, wave, count(*) from responses
    where aggregated and not superseded group by 1, 2, 3
    """,
    # Each publication period's counts, as the worker keeps them for responses counted in time.
    "truncate period_counts",
    """
    insert into period_counts (distribution_id, council_id, survey_id, period, wave, age_band,
                               kind, question_id, option, count, key_sum)
    select r.distribution_id, d.council_id, d.survey_id, r.period, r.wave, r.age_band,
           'responses', '', '', count(*), sum(r.cell_key)
    from responses r join distributions d on d.id = r.distribution_id
    where r.aggregated and not r.late
    group by 1, 2, 3, 4, 5, 6
    """,
    """
    insert into period_counts (distribution_id, council_id, survey_id, period, wave, age_band,
                               kind, question_id, option, count, key_sum)
    select r.distribution_id, d.council_id, d.survey_id, r.period, r.wave, r.age_band,
           'cell', answer.key, chosen.option, count(*), sum(r.cell_key)
    from responses r
    join distributions d on d.id = r.distribution_id
    cross join lateral json_each(r.answers) as answer
    cross join lateral (
        select distinct value as option
        from json_array_elements_text(case when json_typeof(answer.value) = 'array'
                                           then answer.value
                                           else json_build_array(answer.value) end)
    ) as chosen
    where r.aggregated and not r.late and not r.superseded
    group by 1, 2, 3, 4, 5, 6, 8, 9
    """,
    """
    insert into period_counts (distribution_id, council_id, survey_id, period, wave, age_band,
                               kind, question_id, option, count, key_sum)
    select r.distribution_id, d.council_id, d.survey_id, r.period, r.wave, r.age_band,
           'base', answer.key, '', count(*), sum(r.cell_key)
    from responses r
    join distributions d on d.id = r.distribution_id
    cross join lateral json_object_keys(r.answers) as answer(key)
    where r.aggregated and not r.late and not r.superseded
    group by 1, 2, 3, 4, 5, 6, 8
    """,
]


def fill_counted_members(connection: Any) -> None:
    """The bitmaps of counted responses, as `aggregating.aggregate_response` keeps them."""
    from survey_app.privacy.disclosure import MemberSet

    ids: dict[tuple[str, int, str, str], list[int]] = {}
    connection.execute("truncate counted_members, counted_versions")
    for survey_id, council_id, wave, band, response_id in connection.execute(
        "select d.survey_id, d.council_id, r.wave, r.age_band, r.id from responses r "
        "join distributions d on d.id = r.distribution_id where r.aggregated"
    ):
        ids.setdefault((survey_id, council_id, wave, band), []).append(response_id)
    with connection.cursor().copy(
        "copy counted_members (survey_id, council_id, wave, age_band, block, bits) from stdin"
    ) as copy:
        for (survey_id, council_id, wave, band), found in ids.items():
            for number, bits in MemberSet.of(found).blocks():
                copy.write_row((survey_id, council_id, wave, band, number, bits))
    # A new version of every council's bitmap, as the worker gives one with each response.
    connection.execute(
        "insert into counted_versions (survey_id, council_id, token) "
        "select survey_id, council_id, md5(random()::text) "
        "from (select distinct survey_id, council_id from counted_members) as counted"
    )


class BenchmarkFailed(Exception):
    """A check on what the benchmark measured failed."""


# Loading -------------------------------------------------------------------------------------


def load_responses(conninfo: str, distributions: list[int], first: int, last: int) -> float:
    """Add responses first..last (their numbers, not ids) and recount the totals; seconds."""
    began = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("select setseed(%s)", (first / (LARGE + 1),))
        after = connection.execute("select coalesce(max(id), 0) from responses").fetchone()
        assert after is not None
        connection.execute(LOAD_SQL, {"first": first, "last": last, "distributions": distributions})
        connection.execute(FREE_TEXT_SQL, {"after": after[0]})
        for statement in TOTALS_SQL:
            connection.execute(statement)
        fill_counted_members(connection)
        connection.execute("vacuum analyze")
    return time.perf_counter() - began


# Measuring -----------------------------------------------------------------------------------


def forget_kept() -> None:
    """Empty what a web process keeps between downloads (decoded groups, counted responses,
    overlaps), as a newly started process or new responses in every council would."""
    from survey_app.caching import forget_everything

    forget_everything()


def time_aggregates(
    client: Any, headers: dict[str, str], runs: int, *, cold: bool = False
) -> dict[str, Any]:
    """aggregates.csv through the Flask app: one warm-up, then runs timed downloads (cold: each
    with nothing kept from the one before)."""
    url = f"/api/v1/surveys/{SURVEY}/aggregates.csv"
    times = []
    body = b""
    for attempt in range(runs + 1):
        if cold:
            forget_kept()
        began = time.perf_counter()
        answer = client.get(url, headers=headers)
        body = answer.get_data()
        elapsed = time.perf_counter() - began
        answer.close()
        if answer.status_code != 200:
            raise BenchmarkFailed(f"aggregates.csv answered {answer.status_code}: {body[:300]!r}")
        if attempt:
            times.append(elapsed * 1000)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "rows": body.count(b"\n") - 1,
    }


REPORT_RUNS = 3


def time_reports(app: Any, runs: int = REPORT_RUNS) -> dict[str, Any]:
    """The report of the region and of one council (`reports.build_report`: counts, age bands,
    months, differencing, charts), median of runs after a warm-up; nothing is committed."""
    from survey_app import reports
    from survey_app.clock import clock_of
    from survey_app.downloads import GroupFilter

    definition = app.extensions["surveys"][SURVEY]
    # As the report page asks: the latest period closed by now.
    chosen = GroupFilter(asked_at=clock_of(app).now())
    measured: dict[str, Any] = {}
    for council in (None, XLSX_COUNCIL):
        times = []
        for attempt in range(runs + 1):
            with app.app_context(), app.extensions["database"].session() as session:
                began = time.perf_counter()
                reports.build_report(session, definition, None, council, None, chosen=chosen)
                elapsed = time.perf_counter() - began
                session.rollback()
            if attempt:
                times.append(elapsed * 1000)
        measured[council or "region"] = {
            "runs": runs,
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
        }
    return measured


def where_aggregate_time_goes(client: Any, headers: dict[str, str]) -> dict[str, float]:
    """One aggregates.csv download under cProfile: cumulative ms of the steps that matter."""
    profile = cProfile.Profile()
    profile.enable()
    client.get(f"/api/v1/surveys/{SURVEY}/aggregates.csv", headers=headers).get_data()
    profile.disable()
    steps = {
        "requested_groups": "read each council's response ids",
        "published_groups": "read the ledger of published groups",
        "settle_groups": "compare with earlier publications",
        "_region": "the region's row and its comparison",
        "group_counts": "read the precomputed counts",
        "record_publications": "record the publication",
    }
    found: dict[str, float] = {}
    for (_file, _line, name), (_cc, _nc, _own, cumulative, _callers) in pstats.Stats(
        profile
    ).stats.items():  # type: ignore[attr-defined]
        if name in steps:
            found[steps[name]] = found.get(steps[name], 0.0) + round(cumulative * 1000, 1)
    return found


def request_export(
    client: Any, headers: dict[str, str], file_format: str, council: str | None = None
) -> dict[str, Any]:
    """Ask for an export through the API (publishing it); the build runs separately."""
    fields = {"format": file_format, "council": council or ""}
    began = time.perf_counter()
    answer = client.post(f"/api/v1/surveys/{SURVEY}/exports", json=fields, headers=headers)
    elapsed = time.perf_counter() - began
    if answer.status_code != 202:
        raise BenchmarkFailed(f"asking for an export answered {answer.status_code}")
    return {
        "id": answer.json["id"],
        "council": council,
        "published_responses": answer.json["published_responses"],
        "scope": answer.json["scope"],
        "request_ms": round(elapsed * 1000, 1),
    }


def responses_in_period(conninfo: str, scope: str) -> int:
    """The counted, anonymised responses of the period an export's scope names ("period
    2026-Q3"), sent and counted in time: what an export of every council holds."""
    period = scope.split()[1]
    with psycopg.connect(conninfo, autocommit=True) as connection:
        found = connection.execute(
            "select count(*) from responses where period = %s and aggregated and anonymised "
            "and not late",
            (period,),
        ).fetchone()
    assert found is not None
    return int(found[0])


def run_child(mode: str, argument: str, env: dict[str, str]) -> dict[str, Any]:
    """Run this script in a process of its own (so its peak RSS is the work's alone)."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, mode, argument],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    wall = time.perf_counter() - began
    if done.returncode != 0:
        return {"failed": True, "error": done.stderr.strip().splitlines()[-1:], "wall_s": wall}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_wall_s"] = round(wall, 2)
    return figures  # type: ignore[no-any-return]


def memory_mb(field: str) -> float:
    """A figure of this process's memory from /proc/self/status: VmRSS (resident now) or VmHWM
    (the most it has been resident, since it started: exact, not sampled, and unlike
    ru_maxrss not carried over from the parent that forked it)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise BenchmarkFailed(f"no {field} in /proc/self/status")


def child_build_export(export_id: int) -> None:
    """In a process of its own: the real actor, called directly (no broker)."""
    import workers.main  # noqa: F401  (sets the workers up from SURVEY_*, as a worker process does)
    from survey_app.models import Export
    from workers import actors
    from workers.context import current_context

    context = current_context()
    context.surveys()  # read the definitions before measuring, as a running worker has
    with context.database.session() as session:
        session.get(Export, export_id)
    before = memory_mb("VmRSS")
    began = time.perf_counter()
    actors.build_export(export_id)
    seconds = time.perf_counter() - began
    with context.database.session() as session:
        export = session.get_one(Export, export_id)
        status, rows, size, error = export.status, export.rows, export.file_size, export.error
        # Exact, as recorded: the API shows staff this count rounded (overview.counter_in_words).
        published = export.published_responses
    print(
        json.dumps(
            {
                "status": status,
                "published_exactly": published,
                "error": error,
                "rows": rows,
                "bytes": size,
                "seconds": round(seconds, 2),
                "rss_before_mb": round(before, 1),
                "peak_rss_mb": round(memory_mb("VmHWM"), 1),
            }
        )
    )


def child_naive_export(survey_id: str) -> None:
    """In a process of its own: every response loaded with the ORM, the CSV built in memory."""
    resource.setrlimit(resource.RLIMIT_AS, (NAIVE_MEMORY_LIMIT, NAIVE_MEMORY_LIMIT))
    from sqlalchemy import select

    from survey_app.answers import WRITTEN
    from survey_app.db import Database
    from survey_app.definitions import load_directory
    from survey_app.downloads import csv_lines, response_columns
    from survey_app.models import Distribution, FreeText, SurveyResponse
    from survey_app.settings import load_settings

    settings = load_settings()
    definition = load_directory(settings["SURVEY_DIR"])[survey_id]
    database = Database.from_url(settings["DATABASE_URL"])
    before = memory_mb("VmRSS")
    began = time.perf_counter()
    with database.session() as session:
        chosen = select(Distribution).where(Distribution.survey_id == survey_id)
        places = {d.id: (d.council.name, d.label) for d in session.scalars(chosen)}
        responses = session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.distribution_id.in_(places), SurveyResponse.anonymised.is_(True))
            .order_by(SurveyResponse.distribution_id, SurveyResponse.submitted_on)
        ).all()
        texts = {
            (text.response_id, text.question_id): text.redacted
            for text in session.scalars(select(FreeText).where(FreeText.redacted.is_not(None)))
        }
        rows = []
        for number, response in enumerate(responses, 1):
            council, label = places[response.distribution_id]
            row: list[object] = [
                number,
                survey_id,
                council,
                label,
                response.submitted_on.strftime("%Y-%m"),
                response.language,
                response.age_band,
            ]
            for question in definition.questions:
                value = response.answers.get(question.id, "")
                if value == WRITTEN:
                    value = texts.get((response.id, question.id), "")
                elif isinstance(value, list):
                    value = ";".join(map(str, value))
                row.append(value)
            rows.append(row)
        text = "".join(csv_lines(response_columns(definition), rows))
    seconds = time.perf_counter() - began
    print(
        json.dumps(
            {
                "rows": len(rows),
                "bytes": len(text.encode()),
                "seconds": round(seconds, 2),
                "rss_before_mb": round(before, 1),
                "peak_rss_mb": round(memory_mb("VmHWM"), 1),
            }
        )
    )


# The run -------------------------------------------------------------------------------------


def benchmark(postgres: PostgresServer, workdir: Path) -> dict[str, Any]:
    from survey_app.crypto import TextVault

    began = time.monotonic()
    database_url = postgres.create_database("bench_exports")
    conninfo = postgres.conninfo("bench_exports")
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_BROKER_URL": "stub://",
        "SURVEY_SECRET_KEY": "bench secret key, long enough for signing",
        "SURVEY_TEXT_KEY": TextVault.generate_key(),
        "SURVEY_LINK_KEY": "bench link key for hashing personal codes",
        "SURVEY_EXPORT_DIR": str(workdir / "exports"),
        "SURVEY_QR_DIR": str(workdir / "qr"),
        # Full exports are the linked research extract as a file: off unless a deployment turns
        # it on (issue 10); measured here as such a deployment would run it.
        "SURVEY_RESEARCH_EXTRACT": "true",
    }
    os.environ.update(env)  # the app made here reads the same settings as the child processes

    from survey_app import create_app, operations
    from survey_app.background import background_work
    from survey_app.cli import migrate_database

    print("migrating, loading surveys, making councils and distributions ...", flush=True)
    migrate_database(database_url)
    app = create_app({"SECURE_COOKIES": False})
    background_work(app).build_export = lambda export_id: None  # built below, in a child process
    with app.extensions["database"].session() as session:
        operations.sync_surveys(session, app.extensions["surveys"].values())
        for council in COUNCILS:
            operations.create_council(session, council)
        distributions = [
            operations.create_distribution(session, SURVEY, council, label).id
            for council in COUNCILS
            for label in ("CP conferences", "Reviews")
        ]
        operations.create_user(session, BENCH_USER, "bench password, not used", "admin")
        session.commit()
        token = operations.create_api_token(session, BENCH_USER)
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    results: dict[str, Any] = {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "survey": SURVEY,
        "councils": len(COUNCILS),
        "distributions": len(distributions),
    }

    print(f"loading {SMALL:,} responses ...", flush=True)
    loaded_small = load_responses(conninfo, distributions, 1, SMALL)
    small = time_aggregates(client, headers, AGGREGATE_RUNS)
    small["cold"] = time_aggregates(client, headers, AGGREGATE_RUNS, cold=True)
    small["reports"] = time_reports(app)
    small["load_s"] = round(loaded_small, 1)
    print(f"  aggregates.csv at {SMALL:,}: median {small['median_ms']:.1f} ms", flush=True)

    print(f"loading {LARGE - SMALL:,} more responses ({LARGE:,} in all) ...", flush=True)
    loaded_large = load_responses(conninfo, distributions, SMALL + 1, LARGE)
    large = time_aggregates(client, headers, AGGREGATE_RUNS)
    large["cold"] = time_aggregates(client, headers, AGGREGATE_RUNS, cold=True)
    large["reports"] = time_reports(app)
    large["load_s"] = round(loaded_large, 1)
    large["where_the_time_goes_ms"] = where_aggregate_time_goes(client, headers)
    # This process served the downloads (a web worker would): its peak so far is theirs.
    large["web_process_peak_rss_mb"] = round(memory_mb("VmHWM"), 1)
    print(f"  aggregates.csv at {LARGE:,}: median {large['median_ms']:.1f} ms", flush=True)
    results["aggregates"] = {
        "responses_small": SMALL,
        "responses_large": LARGE,
        "small": small,
        "large": large,
        "ratio_large_to_small": round(large["median_ms"] / small["median_ms"], 2),
        "ratio_large_to_small_cold": round(
            large["cold"]["median_ms"] / small["cold"]["median_ms"], 2
        ),
        "goal": f"the same within noise, under {AGGREGATE_GOAL_MS:.0f} ms",
    }

    exports: dict[str, Any] = {}
    # openpyxl writes about 5,000 rows a second here, so the XLSX export is of one council.
    wanted = [("csv", None)] + ([("xlsx", XLSX_COUNCIL)] if XLSX else [])
    for file_format, council in wanted:
        print(
            f"{file_format.upper()} export of {council or 'every council'} "
            f"({LARGE:,} responses in all) ...",
            flush=True,
        )
        asked = request_export(client, headers, file_format, council)
        built = run_child("--build-export", str(asked["id"]), env)
        if built.get("status") != "ready":
            raise BenchmarkFailed(f"the {file_format} export did not finish: {built}")
        # The export is of the latest closed period only (not of every response loaded), and the
        # API's count is rounded as staff see it: compare with the exact count recorded, and
        # for every council with the responses of that period.
        in_period = responses_in_period(conninfo, asked["scope"])
        if built["rows"] != built["published_exactly"] or (
            council is None and built["rows"] != in_period
        ):
            raise BenchmarkFailed(
                f"the export has {built['rows']} rows: {asked}, {built}, "
                f"{in_period} responses in its period"
            )
        exports[file_format] = {**asked, **built}
        print(
            f"  {built['rows']:,} rows in {built['seconds']:.1f} s, peak RSS "
            f"{built['peak_rss_mb']:.0f} MB ({built['bytes'] / 1e6:.0f} MB file)",
            flush=True,
        )
    print(f"naive in-memory export of the same {LARGE:,} responses ...", flush=True)
    naive = run_child("--naive-export", SURVEY, env)
    exports["naive_csv"] = naive
    if not naive.get("failed"):
        print(f"  {naive['seconds']:.1f} s, peak RSS {naive['peak_rss_mb']:.0f} MB", flush=True)
    exports["web_process_peak_rss_mb"] = round(memory_mb("VmHWM"), 1)
    exports["goal"] = (
        f"under {EXPORT_GOAL_SECONDS:.0f} s and {EXPORT_GOAL_MB:.0f} MB peak for {LARGE:,}"
    )
    results["exports"] = exports
    app.extensions["database"].engine.dispose()
    results["seconds"] = round(time.monotonic() - began, 1)
    return results


def table(results: dict[str, Any]) -> str:
    """The figures as a table: what, measured, goal."""
    aggregates, exports = results["aggregates"], results["exports"]
    rows: list[tuple[str, str, str]] = []
    for size, measured in ((SMALL, aggregates["small"]), (LARGE, aggregates["large"])):
        rows.append(
            (
                f"aggregates.csv at {size:,} responses (median of {measured['runs']})",
                f"{measured['median_ms']:,.1f} ms",
                f"< {AGGREGATE_GOAL_MS:.0f} ms",
            )
        )
        rows.append(
            (
                "  with nothing kept from the download before",
                f"{measured['cold']['median_ms']:,.1f} ms",
                f"< {AGGREGATE_GOAL_MS:.0f} ms",
            )
        )
    rows.append(("  ratio", f"{aggregates['ratio_large_to_small']:.2f}", "the same within noise"))
    rows.append(("  ratio, nothing kept", f"{aggregates['ratio_large_to_small_cold']:.2f}", ""))
    for size, measured in ((SMALL, aggregates["small"]), (LARGE, aggregates["large"])):
        for group, report in measured["reports"].items():
            rows.append(
                (
                    f"report of {group} at {size:,} responses (median of {report['runs']})",
                    f"{report['median_ms']:,.0f} ms",
                    "",
                )
            )
    for key in ("csv", "xlsx"):
        if key not in exports:
            continue
        built = exports[key]
        rows.append(
            (
                f"{key.upper()} export of {built['council'] or 'every council'}, "
                f"{built['rows']:,} rows (build_export)",
                f"{built['seconds']:.1f} s, {built['peak_rss_mb']:.0f} MB peak RSS",
                f"< {EXPORT_GOAL_SECONDS:.0f} s, < {EXPORT_GOAL_MB:.0f} MB" if key == "csv" else "",
            )
        )
        rows.append(
            (
                "  RSS before it, the worker's imports",
                f"{built['rss_before_mb']:.0f} MB",
                "",
            )
        )
        rows.append(
            ("  its request (publishing the responses)", f"{built['request_ms']:,.0f} ms", "")
        )
    rows.append(
        (
            f"web process (Flask) peak RSS, downloads and requests at {LARGE:,}",
            f"{exports['web_process_peak_rss_mb']:.0f} MB",
            "",
        )
    )
    naive = exports["naive_csv"]
    if naive.get("failed"):
        rows.append(("naive in-memory CSV export", f"failed: {naive['error']}", ""))
    else:
        rows.append(
            (
                f"naive in-memory CSV export, {naive['rows']:,} rows (ORM .all(), one string)",
                f"{naive['seconds']:.1f} s, {naive['peak_rss_mb']:.0f} MB peak RSS",
                f"(RSS before: {naive['rss_before_mb']:.0f} MB)",
            )
        )
    width = max(len(row[0]) for row in rows)
    measured_width = max(len(row[1]) for row in rows)
    return "\n".join(
        f"{what:<{width}}  {measured:>{measured_width}}  {goal}".rstrip()
        for what, measured, goal in [("figure", "measured", "goal"), *rows]
    )


def missed_goals(results: dict[str, Any]) -> list[str]:
    aggregates, built = results["aggregates"], results["exports"]["csv"]
    missed = []
    if aggregates["large"]["median_ms"] >= AGGREGATE_GOAL_MS:
        missed.append(f"aggregates.csv at {LARGE:,} under {AGGREGATE_GOAL_MS:.0f} ms")
    if aggregates["ratio_large_to_small"] > 1.5:
        missed.append("aggregates.csv the same at both sizes")
    if built["seconds"] >= EXPORT_GOAL_SECONDS:
        missed.append(f"export under {EXPORT_GOAL_SECONDS:.0f} s")
    if built["peak_rss_mb"] >= EXPORT_GOAL_MB:
        missed.append(f"export under {EXPORT_GOAL_MB:.0f} MB peak")
    return missed


def _interrupt(_signal: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--build-export":
        child_build_export(int(sys.argv[2]))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "--naive-export":
        child_naive_export(sys.argv[2])
        return 0
    from run import _start_with_retries

    from tests.services import PostgresServer, _find_pg_bindir

    signal.signal(signal.SIGTERM, _interrupt)
    bindir = _find_pg_bindir()
    if bindir is None:
        print("ERROR: PostgreSQL (initdb/postgres) must be installed", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    postgres: PostgresServer | None = None
    status = 0
    results: dict[str, Any] = {}
    try:
        print("starting PostgreSQL ...", flush=True)
        postgres = _start_with_retries(lambda: PostgresServer(bindir))
        results = benchmark(postgres, workdir)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything", file=sys.stderr)
        status = 130
    except BenchmarkFailed as problem:
        print(f"\nERROR: {problem}", file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if postgres is not None:
            postgres.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if status == 0:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        everything = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        everything["downloads_and_exports"] = results
        RESULTS.write_text(json.dumps(everything, indent=2) + "\n")
        print(f"\nfinished in {results['seconds']:.0f} s; figures in {RESULTS.relative_to(ROOT)}")
        print(table(results))
        missed = missed_goals(results)
        if missed:
            print(f"goals missed: {', '.join(missed)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
