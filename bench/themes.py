"""Theme coding at scale: how fast the suggester suggests, and how long themes.csv takes to
publish (read the coded items, settle, perturb, record) and write, at 10,000 and more coded items.

    python bench/themes.py [--sizes 10000 1000000]

Runs on a fresh SQLite database in a temporary folder (migrated with Alembic), three councils,
items spread over the four sources, each coded with one to three themes by one coder. The
timed call is the domain's `publish_themes` plus writing the CSV text, as the download does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from survey_app import operations, themes  # noqa: E402
from survey_app.cli import migrate_database  # noqa: E402
from survey_app.db import Database  # noqa: E402
from survey_app.downloads import csv_lines  # noqa: E402
from survey_app.models import ThemeCode, ThemeCoding, ThemeItem  # noqa: E402
from survey_app.periods import Period  # noqa: E402
from survey_app.themes.evaluate import read_coded  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = themes.load_codebook(ROOT / "survey_definitions")
TEXTS = [coded.text for coded in read_coded(ROOT / "tests" / "data" / "themes-coded.jsonl")]
SOURCES = ("survey", "focus_group", "feedback", "audit")
BATCH = 20_000


def bench_suggestions(count: int = 5000) -> None:
    started = time.perf_counter()
    suggester = themes.Suggester(CODEBOOK)
    fitted = time.perf_counter() - started
    texts = [TEXTS[n % len(TEXTS)] + f" {n}" for n in range(count)]
    started = time.perf_counter()
    for start in range(0, count, 500):
        suggester.suggest(texts[start : start + 500])
    elapsed = time.perf_counter() - started
    print(
        f"suggester: fitted on the codebook in {1000 * fitted:.0f} ms; "
        f"{count / elapsed:,.0f} suggestions per second ({count} texts in batches of 500)"
    )


def seed(database: Database, size: int, month: dt.date) -> None:
    rng = random.Random(15)
    active = [theme.id for theme in CODEBOOK.active]
    with database.session() as session:
        councils = [operations.create_council(session, name) for name in ("A", "B", "C")]
        coder = operations.create_user(session, "coder@example.org", "x" * 20, "facilitator", None)
        session.commit()
        council_ids, coder_id = [c.id for c in councils], coder.id
    made = 0
    while made < size:
        batch = min(BATCH, size - made)
        with database.session() as session:
            first = (session.scalar(select(ThemeItem.id).order_by(ThemeItem.id.desc())) or 0) + 1
            session.execute(
                insert(ThemeItem),
                [
                    {
                        "id": first + n,
                        "source": SOURCES[n % 4],
                        "ref": f"bench:{made + n}",
                        "council_id": council_ids[n % 3],
                        "month": month,
                        "prompt": "Bench",
                        "text": TEXTS[n % len(TEXTS)],
                        "cell_key": secrets.randbelow(1 << 31),
                        "suggested": True,
                    }
                    for n in range(batch)
                ],
            )
            now = dt.datetime(2026, 1, 1)
            session.execute(
                insert(ThemeCoding),
                [
                    {
                        "id": first + n,
                        "item_id": first + n,
                        "coder_id": coder_id,
                        "coded_at": now,
                        "counted": True,
                    }
                    for n in range(batch)
                ],
            )
            session.execute(
                insert(ThemeCode),
                [
                    {"coding_id": first + n, "theme_id": theme}
                    for n in range(batch)
                    for theme in rng.sample(active, rng.randint(1, 3))
                ],
            )
            session.commit()
        made += batch


def bench_themes_csv(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        migrate_database(url)
        database = Database.from_url(url)
        period = Period.of(CODEBOOK.publication.period, dt.date(2026, 1, 15))
        started = time.perf_counter()
        seed(database, size, period.start)
        seeded = time.perf_counter() - started
        now = dt.datetime(2026, 12, 1)
        chosen = themes.ThemeFilter(start=period.start, end=period.end)
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            with database.session() as session:
                published = themes.publish_themes(session, CODEBOOK, None, chosen, None, now)
                session.commit()
            lines = sum(
                1 for _ in csv_lines(themes.THEME_COLUMNS, [list(r) for r in published.rows])
            )
            timings.append(time.perf_counter() - started)
        print(
            f"themes.csv at {size:,} coded items: {timings[0]:.2f} s first, {timings[1]:.2f} s "
            f"again (the ledger's groups known); {lines - 1} rows; seeding took {seeded:.0f} s"
        )
        database.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000])
    arguments = parser.parse_args()
    bench_suggestions()
    for size in arguments.sizes:
        bench_themes_csv(size)


if __name__ == "__main__":
    main()
