"""Measure the anonymiser on labelled sets: `python -m survey_app.privacy.evaluate FILE...`.

The file is JSON lines as in tests/data/pii-dev.jsonl: {"id", "text", "spans": [{"start",
"end", "label"}]}. Scores, per label and overall:

- mention recall: a mention counts as found only if every letter and digit of it lies inside a
  redacted span, whatever that span's label (a name redacted as [SCHOOL] is still gone);
- LOCATION recall counts spans found, redacted or not: by default towns are found and reported
  but left in the text, so "redacted" would say nothing about finding them;
- character precision: the share of redacted letters and digits that are personal data, with
  settings as by default (towns left in). LOCATION spans count as personal data here, so
  redacting a town by mistake (as a name) is not a false positive;
- speed: texts per second on one core (CPU time of this process), the median of several timed
  passes over the whole file, and again over texts of about 200 characters made by joining
  answers from the file.

Several files are scored one by one (a development set, a tuning set, a held-out set), then
side by side in one table, so that figures from a set the rules were tuned on are never read
alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .anonymiser import LABELS, LOCATION, AnonymiserSettings, anonymise
from .redaction import Span

TARGET_LENGTH = 200


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    spans: tuple[Span, ...]


@dataclass
class LabelScore:
    mentions: int = 0
    found: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.mentions if self.mentions else 1.0


@dataclass
class Report:
    labels: dict[str, LabelScore]
    redacted_characters: int
    personal_redacted_characters: int
    precision_with_locations: float
    misses: list[tuple[str, Span, str]] = field(default_factory=list)
    false_positives: list[tuple[str, Span, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        if not self.redacted_characters:
            return 1.0
        return self.personal_redacted_characters / self.redacted_characters

    def combined(self, labels: Iterable[str]) -> LabelScore:
        total = LabelScore()
        for label in labels:
            total.mentions += self.labels[label].mentions
            total.found += self.labels[label].found
        return total


def load(path: Path) -> list[Example]:
    """Read a labelled JSON-lines file."""
    examples = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                spans = tuple(Span(s["start"], s["end"], s["label"]) for s in row["spans"])
                examples.append(Example(row["id"], row["text"], spans))
    return examples


def _characters(text: str, spans: Iterable[Span]) -> set[int]:
    """Positions of the letters and digits inside spans."""
    return {
        position
        for span in spans
        for position in range(span.start, span.end)
        if text[position].isalnum()
    }


def score(examples: Sequence[Example]) -> Report:
    """Recall per label and character precision over examples."""
    labels = {label: LabelScore() for label in LABELS}
    report = Report(labels, 0, 0, 1.0)
    located_redacted = located_personal = 0
    for example in examples:
        default = anonymise(example.text)
        everything = anonymise(example.text, AnonymiserSettings(redact_locations=True))
        redacted = _characters(example.text, default.spans)
        detected = redacted | _characters(example.text, default.kept)
        personal = _characters(example.text, example.spans)
        for span in example.spans:
            needed = _characters(example.text, [span])
            covered = detected if span.label == LOCATION else redacted
            tally = labels.setdefault(span.label, LabelScore())
            tally.mentions += 1
            if needed <= covered:
                tally.found += 1
            else:
                report.misses.append((example.id, span, example.text))
        report.redacted_characters += len(redacted)
        report.personal_redacted_characters += len(redacted & personal)
        for span in default.spans:
            if not _characters(example.text, [span]) & personal:
                report.false_positives.append((example.id, span, example.text))
        all_redacted = _characters(example.text, everything.spans)
        located_redacted += len(all_redacted)
        located_personal += len(all_redacted & personal)
    report.precision_with_locations = (
        located_personal / located_redacted if located_redacted else 1.0
    )
    return report


def texts_per_second(texts: Sequence[str], repeats: int = 5) -> float:
    """Median rate over several passes, in this process's CPU time (one core: it runs one
    thread), so that other work on a shared machine does not change the figure."""
    anonymise(texts[0])  # load the word lists outside the timing
    rates = []
    for _ in range(repeats):
        started = time.process_time()
        for text in texts:
            anonymise(text)
        rates.append(len(texts) / max(time.process_time() - started, 1e-9))
    return statistics.median(rates)


def joined_to_length(texts: Sequence[str], length: int = TARGET_LENGTH) -> list[str]:
    """Answers joined into texts of about length characters each."""
    joined: list[str] = []
    current = ""
    for text in texts:
        current = f"{current} {text}".strip()
        if len(current) >= length:
            joined.append(current[: length + 40])
            current = ""
    return joined


def render(report: Report, rate: float, rate_at_length: float, mean_length: float) -> str:
    lines = [f"{'label':<20}{'mentions':>9}{'found':>7}{'recall':>8}"]
    for label in LABELS:
        tally = report.labels[label]
        name = f"{label} (detected)" if label == LOCATION else label
        lines.append(f"{name:<20}{tally.mentions:>9}{tally.found:>7}{tally.recall:>8.3f}")
    others = report.combined(label for label in LABELS if label != LOCATION)
    lines.append(
        f"{'all but LOCATION':<20}{others.mentions:>9}{others.found:>7}{others.recall:>8.3f}"
    )
    lines.append("")
    lines.append(
        f"character precision: {report.precision:.3f} "
        f"({report.personal_redacted_characters} of {report.redacted_characters} redacted "
        "letters and digits are personal data; towns left in, as by default)"
    )
    lines.append(
        f"character precision with redact_locations on: {report.precision_with_locations:.3f}"
    )
    lines.append(
        f"speed: {rate:,.0f} texts/s on one core (CPU time, median of 5 passes; mean length "
        f"{mean_length:.0f} characters)"
    )
    lines.append(
        f"       {rate_at_length:,.0f} texts/s for texts of about {TARGET_LENGTH} characters"
    )
    return "\n".join(lines)


def _show(title: str, items: list[tuple[str, Span, str]]) -> str:
    lines = [f"{title} ({len(items)}):"]
    for example_id, span, text in items:
        lines.append(f"  {example_id} {span.label:<13} {text[span.start : span.end]!r}")
    return "\n".join(lines)


def summary(names: Sequence[str], reports: Sequence[Report]) -> str:
    """Recall per label and precision for several sets side by side."""
    width = max(12, *(len(name) + 2 for name in names))
    lines = [f"{'recall':<20}" + "".join(f"{name:>{width}}" for name in names)]
    for label in LABELS:
        cells = []
        for report in reports:
            tally = report.labels[label]
            cells.append(f"{tally.recall:.3f} ({tally.mentions})" if tally.mentions else "-")
        lines.append(f"{label:<20}" + "".join(f"{cell:>{width}}" for cell in cells))
    others = [report.combined(label for label in LABELS if label != LOCATION) for report in reports]
    lines.append(
        f"{'all but LOCATION':<20}"
        + "".join(f"{f'{tally.recall:.3f} ({tally.mentions})':>{width}}" for tally in others)
    )
    lines.append(
        f"{'char. precision':<20}"
        + "".join(f"{f'{report.precision:.3f}':>{width}}" for report in reports)
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=Path, nargs="+", help="labelled JSON-lines files")
    parser.add_argument("--details", action="store_true", help="list misses and false positives")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing")
    arguments = parser.parse_args(argv)
    reports = []
    for number, path in enumerate(arguments.paths):
        examples = load(path)
        report = score(examples)
        reports.append(report)
        texts = [example.text for example in examples]
        rate = rate_at_length = 0.0
        if not arguments.no_speed:
            rate = texts_per_second(texts)
            rate_at_length = texts_per_second(joined_to_length(texts) or texts)
        mean_length = statistics.mean(len(text) for text in texts)
        if number:
            print()
        print(f"== {path} ({len(examples)} texts)")
        print(render(report, rate, rate_at_length, mean_length))
        if arguments.details:
            print()
            print(_show("missed", report.misses))
            print(_show("redacted but not personal data", report.false_positives))
    if len(reports) > 1:
        print()
        print(summary([path.name for path in arguments.paths], reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
