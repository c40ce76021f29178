"""Long, repetitive answers through the anonymiser, run by `make bench`: CPU time per answer.

A pattern that backtracks badly would turn one long answer into seconds of a worker's time, so
these are the inputs that once did (runs of "dot", long runs without an address). Prints the
median CPU time of this thread over several passes (the machine may be shared, so not the wall
clock). The goal is well under a second each.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey_app.privacy.anonymiser import anonymise  # noqa: E402
from survey_app.privacy.redaction import redact  # noqa: E402

PASSES = 5
ANSWERS = {
    "200 sentences with a name and phone, then 2,000 x ' dot ' (anonymise)": (
        anonymise,
        ("my sw jade said i could ring 07700 900412 from Ipswich. " * 200) + " dot " * 2000,
    ),
    "50,000 letters then 5,000 x ' 1' (redact)": (redact, "a" * 50_000 + " 1" * 5_000),
}


def main() -> int:
    anonymise("warm up the word lists")
    for name, (function, text) in ANSWERS.items():
        times = []
        for _ in range(PASSES):
            started = time.process_time()
            function(text)
            times.append(time.process_time() - started)
        print(f"{name}: {statistics.median(times) * 1000:,.0f} ms CPU (median of {PASSES})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
