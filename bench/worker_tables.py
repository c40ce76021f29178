"""A digest of every table the worker writes after it processes the same 300 made-up responses
(`bench/profile_worker.py`'s, cell keys set from the ids so that two runs draw the same), to
check that a change to the worker leaves its results exactly as they were: run it in a checkout
of the code before and in this one, and compare the lines.

Run: .venv/bin/python bench/worker_tables.py. Ids and dates are included; tokens and ciphertexts
(random by design) are not.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import profile_worker  # noqa: E402
import psycopg  # noqa: E402
import run  # noqa: E402

from tests.stack import Stack  # noqa: E402

TABLES = {
    "responses": "select id, anonymised, aggregated, superseded, late, processing_attempts "
    "from responses order by id",
    "free_texts": "select id, response_id, question_id, ciphertext is null, redacted, "
    "raw_destroyed_on, held_back from free_texts order by id",
    "answer_counts": "select * from answer_counts order by 1, 2, 3, 4, 5, 6, 7",
    "question_bases": "select * from question_bases order by 1, 2, 3, 4, 5, 6",
    "distribution_totals": "select * from distribution_totals order by 1, 2, 3",
    "period_counts": "select * from period_counts order by 1, 2, 3, 4, 5, 6, 7, 8, 9",
    "counted_members": "select survey_id, council_id, wave, age_band, block, md5(bits) "
    "from counted_members order by 1, 2, 3, 4, 5",
    "audit_events": "select id, occurred_on, event, subject, detail from audit_events order by id",
    "concerns": "select id, council_id, distribution_id, survey_id, response_id, origin, level, "
    "reasons, status from concerns order by id",
    "concern_texts": "select id, concern_id, question_id, reasons from concern_texts order by id",
    "concern_notifications": "select * from concern_notifications order by id",
}


def main() -> int:
    rig = run.Rig()
    try:
        rig.start_services()
        assert rig.postgres is not None and rig.redis is not None
        url = rig.postgres.create_database("worker_tables")
        conninfo = rig.postgres.conninfo("worker_tables")
        stack = Stack(
            url,
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
        os.environ.update({k: v for k, v in stack.env.items() if k.startswith("SURVEY_")})
        with psycopg.connect(conninfo, autocommit=True) as connection:
            row = connection.execute(
                "select id from distributions where code = %s", (made["code"],)
            ).fetchone()
            assert row is not None
            ids = profile_worker.make_responses(300, int(row[0]))
            connection.execute("update responses set cell_key = (id * 7919) % 100003")
        for response_id in ids:
            profile_worker.process_directly(response_id)
        for response_id in ids[:20]:  # a redelivered message changes nothing
            profile_worker.process_directly(response_id)
        with psycopg.connect(conninfo, autocommit=True) as connection:
            for name, query in TABLES.items():
                rows = connection.execute(query).fetchall()  # type: ignore[arg-type]
                digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
                print(f"{name:22} {len(rows):6} rows  {digest}")
    finally:
        rig.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
