"""Measure the risk screen on labelled sets: `python -m survey_app.safeguarding.evaluate FILE...`.

Each file is JSON lines as in tests/data/risk-dev.jsonl: {"id", "source", "text", "label":
risk|no_risk|uncertain, "category"}. Per file it prints:

- recall on `risk` (alert or review, and alert alone), overall, per category and per source,
  with the ids missed (given no alert, and given nothing at all);
- the false-alert rate on `no_risk` (alert or review, and alert alone), with those ids;
- what happened to `uncertain` texts (how many got alert, review, none);
- speed: texts per second on one core, the median of several timed passes over the file.

`uncertain` texts are kept out of recall and of the false-alert rate, as the set's README asks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .screen import Level, screen

RISK = "risk"
NO_RISK = "no_risk"
UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Example:
    id: str
    source: str
    text: str
    label: str
    category: str


@dataclass
class Tally:
    """How many risk texts, and how many of them got alert-or-review and alert alone."""

    texts: int = 0
    flagged: int = 0
    alerted: int = 0

    def add(self, level: Level) -> None:
        self.texts += 1
        self.flagged += level != Level.NONE
        self.alerted += level == Level.ALERT

    @property
    def flagged_rate(self) -> float:
        return self.flagged / self.texts if self.texts else 0.0

    @property
    def alerted_rate(self) -> float:
        return self.alerted / self.texts if self.texts else 0.0


@dataclass
class Report:
    """Scores for one labelled set."""

    risk: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=dict)
    by_source: dict[str, Tally] = field(default_factory=dict)
    no_risk: Tally = field(default_factory=Tally)
    uncertain: Counter[str] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    review_only: list[str] = field(default_factory=list)
    false_alerts: list[str] = field(default_factory=list)
    false_reviews: list[str] = field(default_factory=list)
    uncertain_missed: list[str] = field(default_factory=list)


def load(path: Path) -> list[Example]:
    """Read a labelled JSON-lines file."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                examples.append(
                    Example(
                        row["id"],
                        row.get("source", "child"),
                        row["text"],
                        row["label"],
                        row.get("category", "none"),
                    )
                )
    return examples


def score(examples: Sequence[Example]) -> Report:
    """Screen every example and tally the results against its label."""
    report = Report()
    for example in examples:
        level = screen(example.text, example.source).level
        if example.label == RISK:
            report.risk.add(level)
            report.by_category.setdefault(example.category, Tally()).add(level)
            report.by_source.setdefault(example.source, Tally()).add(level)
            if level == Level.NONE:
                report.missed.append(example.id)
            elif level == Level.REVIEW:
                report.review_only.append(example.id)
        elif example.label == NO_RISK:
            report.no_risk.add(level)
            if level == Level.ALERT:
                report.false_alerts.append(example.id)
            elif level == Level.REVIEW:
                report.false_reviews.append(example.id)
        elif example.label == UNCERTAIN:
            report.uncertain[level] += 1
            if level == Level.NONE:
                report.uncertain_missed.append(example.id)
    return report


def texts_per_second(examples: Sequence[Example], repeats: int = 5) -> float:
    """Median rate over several passes, by the CPU time of this one thread (the machine may be
    shared, and wall-clock time would count other processes' turns)."""
    screen(examples[0].text, examples[0].source)  # build the cue table outside the timing
    rates = []
    for _ in range(repeats):
        started = time.process_time()
        for example in examples:
            screen(example.text, example.source)
        rates.append(len(examples) / (time.process_time() - started))
    return statistics.median(rates)


def _row(name: str, tally: Tally) -> str:
    return (
        f"  {name:<16}{tally.texts:>6}{tally.flagged:>9}{tally.flagged_rate:>8.1%}"
        f"{tally.alerted:>8}{tally.alerted_rate:>8.1%}"
    )


def _ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "none"


def render(name: str, report: Report, rate: float | None) -> str:
    """The report for one file, as plain text."""
    header = f"  {'':<16}{'texts':>6}{'flagged':>9}{'':>8}{'alert':>8}{'':>8}"
    lines = [
        f"== {name}",
        "risk: recall (flagged = alert or review)",
        header,
        _row("all risk", report.risk),
        "  by category:",
    ]
    lines += [_row(category, tally) for category, tally in sorted(report.by_category.items())]
    lines.append("  by source:")
    lines += [_row(source, tally) for source, tally in sorted(report.by_source.items())]
    lines.append(f"  missed (none): {_ids(report.missed)}")
    lines.append(f"  review only (no alert): {_ids(report.review_only)}")
    no_risk = report.no_risk
    lines.append(
        f"no_risk: {no_risk.texts} texts; false alert-or-review {no_risk.flagged} "
        f"({no_risk.flagged_rate:.1%}), false alert {no_risk.alerted} ({no_risk.alerted_rate:.1%})"
    )
    lines.append(f"  alerted: {_ids(report.false_alerts)}")
    lines.append(f"  reviewed: {_ids(report.false_reviews)}")
    total = sum(report.uncertain.values())
    flagged = report.uncertain[Level.ALERT] + report.uncertain[Level.REVIEW]
    lines.append(
        f"uncertain: {total} texts; alert {report.uncertain[Level.ALERT]}, review "
        f"{report.uncertain[Level.REVIEW]}, none {report.uncertain[Level.NONE]} "
        f"(alert or review {flagged / total if total else 0:.1%})"
    )
    lines.append(f"  none: {_ids(report.uncertain_missed)}")
    if rate is not None:
        lines.append(f"speed: {rate:,.0f} texts/s on one core (CPU time, median of 5 passes)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="labelled JSON-lines files")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing")
    arguments = parser.parse_args(argv)
    for number, path in enumerate(arguments.paths):
        examples = load(path)
        report = score(examples)
        rate = None if arguments.no_speed or not examples else texts_per_second(examples)
        if number:
            print()
        print(render(str(path), report, rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
