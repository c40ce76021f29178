"""Risk screen speed, run by `make bench`: texts per second on one core, short and ~200 characters.

Screens every text of tests/data/risk-dev.jsonl (3 to 215 characters), then texts of about 200
characters made by joining answers from it, several passes each, and prints the median rate.
The rate is by the CPU time of this one thread (the machine may be shared with other work, and
wall-clock time would count their turns); the wall-clock rate is printed beside it. The goal
is at least 1,000 texts per second.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey_app.safeguarding.screen import screen  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "risk-dev.jsonl"
PASSES = 7
GOAL = 1_000


def joined(texts: list[str], length: int = 200) -> list[str]:
    """Answers joined into texts of about length characters."""
    out, current = [], ""
    for text in texts * 3:
        current = f"{current} {text}".strip()
        if len(current) >= length:
            out.append(current[: length + 20])
            current = ""
    return out


def rates(texts: list[tuple[str, str]]) -> tuple[float, float]:
    """Median (CPU, wall-clock) texts per second over several passes."""
    cpu, wall = [], []
    for _ in range(PASSES):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        for text, source in texts:
            screen(text, source)
        cpu.append(len(texts) / (time.process_time() - started_cpu))
        wall.append(len(texts) / (time.perf_counter() - started_wall))
    return statistics.median(cpu), statistics.median(wall)


def main() -> int:
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    short = [(row["text"], row["source"]) for row in rows]
    long = [(text, "child") for text in joined([row["text"] for row in rows])]
    started = time.perf_counter()
    screen("first use builds the cue table")
    print(f"first call (builds the cue table): {(time.perf_counter() - started) * 1000:.0f} ms")
    missed = False
    for name, texts in (("dev-set texts", short), ("~200-character texts", long)):
        mean = statistics.mean(len(text) for text, _ in texts)
        cpu, wall = rates(texts)
        missed |= cpu < GOAL
        print(
            f"screen, {name} ({len(texts)}, mean {mean:.0f} chars): {cpu:,.0f} texts/s on one "
            f"core (CPU time; {wall:,.0f}/s wall clock), median of {PASSES} passes"
        )
    if missed:
        print(f"goal missed: at least {GOAL:,} texts/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
