"""aggregates.csv under cProfile at a chosen size (default 20,000), seeded as bench/exports.py
seeds; prints the median of a few downloads, the rows, and the profile's top entries."""

from __future__ import annotations

import cProfile
import hashlib
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import exports  # noqa: E402


def main() -> int:
    """Seed, time and profile aggregates.csv."""
    from run import _start_with_retries

    from tests.services import PostgresServer, _find_pg_bindir

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    runs = int(os.environ.get("BENCH_RUNS", "7"))
    bindir = _find_pg_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="bench-aggregates-"))
    postgres = _start_with_retries(lambda: PostgresServer(bindir))
    try:
        from survey_app import create_app, operations
        from survey_app.cli import migrate_database
        from survey_app.crypto import TextVault

        database_url = postgres.create_database("bench_aggregates")
        conninfo = postgres.conninfo("bench_aggregates")
        os.environ.update(
            {
                "SURVEY_DATABASE_URL": database_url,
                "SURVEY_BROKER_URL": "stub://",
                "SURVEY_SECRET_KEY": "bench secret key, long enough for signing",
                "SURVEY_TEXT_KEY": TextVault.generate_key(),
                "SURVEY_LINK_KEY": "bench link key for hashing personal codes",
                "SURVEY_EXPORT_DIR": str(workdir / "exports"),
                "SURVEY_QR_DIR": str(workdir / "qr"),
            }
        )
        migrate_database(database_url)
        app = create_app({"SECURE_COOKIES": False})
        with app.extensions["database"].session() as session:
            operations.sync_surveys(session, app.extensions["surveys"].values())
            for council in exports.COUNCILS:
                operations.create_council(session, council)
            distributions = [
                operations.create_distribution(session, exports.SURVEY, council, label).id
                for council in exports.COUNCILS
                for label in ("CP conferences", "Reviews")
            ]
            operations.create_user(session, exports.BENCH_USER, "bench password, not used", "admin")
            session.commit()
            token = operations.create_api_token(session, exports.BENCH_USER)
            session.commit()
        exports.LARGE = size
        print(
            f"loaded {size:,} in {exports.load_responses(conninfo, distributions, 1, size):.1f} s"
        )
        extra = os.environ.get("BENCH_AFTER_LOAD_SQL")
        if extra:
            import psycopg

            with psycopg.connect(conninfo, autocommit=True) as connection:
                connection.execute(extra)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        url = f"/api/v1/surveys/{exports.SURVEY}/aggregates.csv"
        body = client.get(url, headers=headers).get_data()
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            body = client.get(url, headers=headers).get_data()
            times.append((time.perf_counter() - began) * 1000)
        lines = body.count(b"\n") - 1
        print(
            f"aggregates.csv at {size:,}: median {statistics.median(times):.1f} ms "
            f"(min {min(times):.1f}, max {max(times):.1f}), {lines} rows, "
            f"sha256 {hashlib.sha256(body).hexdigest()[:16]}"
        )
        out = ROOT / "bench" / "results" / "aggregates.csv"
        out.parent.mkdir(exist_ok=True)
        out.write_bytes(body)
        profile = cProfile.Profile()
        profile.enable()
        client.get(url, headers=headers).get_data()
        profile.disable()
        profile.dump_stats(str(ROOT / "bench" / "results" / "aggregates.prof"))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        app.extensions["database"].engine.dispose()
    finally:
        postgres.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
