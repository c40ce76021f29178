"""Measure the theme suggester on hand-coded texts: precision and recall per theme, and how many
items a coder would confirm without changing the suggestion.

    python -m survey_app.themes.evaluate tests/data/themes-coded.jsonl [--codebook DIR]

Lines are split: even lines (0, 2, ...) are where the threshold was chosen ("dev"), odd lines
were not looked at while choosing it ("held out"); figures are printed for both and for all.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .codebook import Codebook, load_codebook
from .suggest import Suggester

DEFAULT_CODEBOOK = Path(__file__).resolve().parents[2] / "survey_definitions"


@dataclass(frozen=True)
class Coded:
    """One hand-coded text."""

    text: str
    themes: frozenset[str]


@dataclass(frozen=True)
class Measures:
    """How the suggestions compare with the coding."""

    per_theme: dict[str, tuple[int, int, int]]  # theme -> (true positives, suggested, coded)
    unchanged: int  # items whose suggestion equals the coding exactly
    items: int

    def precision(self, theme: str) -> float | None:
        hits, suggested, _ = self.per_theme[theme]
        return hits / suggested if suggested else None

    def recall(self, theme: str) -> float | None:
        hits, _, coded = self.per_theme[theme]
        return hits / coded if coded else None

    def micro(self) -> tuple[float, float]:
        hits = sum(h for h, _, _ in self.per_theme.values())
        suggested = sum(s for _, s, _ in self.per_theme.values())
        coded = sum(c for _, _, c in self.per_theme.values())
        return (hits / suggested if suggested else 0.0, hits / coded if coded else 0.0)


def read_coded(path: Path) -> list[Coded]:
    """The coded texts of a JSON-lines file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            rows.append(Coded(data["text"], frozenset(data["themes"])))
    return rows


def measure(suggester: Suggester, coded: Sequence[Coded]) -> Measures:
    """Compare the suggester's themes with the coded themes, text by text."""
    suggestions = suggester.suggest([item.text for item in coded])
    per_theme: dict[str, list[int]] = {theme: [0, 0, 0] for theme in suggester.theme_ids}
    unchanged = 0
    for item, suggested in zip(coded, suggestions, strict=True):
        proposed = {suggestion.theme_id for suggestion in suggested}
        unchanged += proposed == item.themes
        for theme in proposed:
            per_theme.setdefault(theme, [0, 0, 0])[1] += 1
            if theme in item.themes:
                per_theme[theme][0] += 1
        for theme in item.themes:
            per_theme.setdefault(theme, [0, 0, 0])[2] += 1
    return Measures(
        {theme: (h, s, c) for theme, (h, s, c) in per_theme.items()}, unchanged, len(coded)
    )


def _percent(value: float | None) -> str:
    return "  -  " if value is None else f"{100 * value:5.1f}"


def report(codebook: Codebook, name: str, measures: Measures) -> list[str]:
    """The measures as lines of text."""
    precision, recall = measures.micro()
    lines = [
        f"{name}: {measures.items} texts; confirmed unchanged {measures.unchanged} "
        f"({100 * measures.unchanged / max(measures.items, 1):.1f}%); "
        f"micro precision {100 * precision:.1f}% recall {100 * recall:.1f}%",
    ]
    if name == "all":
        lines.append(f"  {'theme':<34} prec%  rec%  coded")
        for theme, (_, _, coded) in sorted(measures.per_theme.items()):
            lines.append(
                f"  {codebook.label(theme)[:34]:<34} {_percent(measures.precision(theme))} "
                f"{_percent(measures.recall(theme))} {coded:5d}"
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print the measures for each file named."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--codebook", type=Path, default=DEFAULT_CODEBOOK)
    arguments = parser.parse_args(argv)
    codebook = load_codebook(arguments.codebook)
    suggester = Suggester(codebook)
    for path in arguments.files:
        coded = read_coded(path)
        print(f"== {path}")
        for name, part in (("dev", coded[::2]), ("held out", coded[1::2]), ("all", coded)):
            print("\n".join(report(codebook, name, measure(suggester, part))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
