"""The report's first page: one plain-English sentence per question with its base ("About 7 in
10 children aged 12 to 17 gave a positive answer, out of 65"), and what is not shown.

Every figure comes from the published (rounded, protected) counts the charts use: a share is
worked out from the counts shown, never from exact ones, and where the counts a sentence needs
are hidden or not shown the sentence says "Too few answers to tell" instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..answers import option_label
from ..definitions.model import FACE_SCALE, MULTIPLE_CHOICE, SCALE, YES_NO, Direction, Question
from ..privacy.disclosure import DisclosureRules, PublishedQuestion, notes
from .figures import Finding, Section

if TYPE_CHECKING:
    from ..analysis.paired import PairedChange

TOO_FEW = "Too few answers to tell"
SOME_HIDDEN = "some are hidden to protect small numbers"


def share_in_words(percent: float) -> str:
    """A share as a board reads it: "About 7 in 10", "All", "None", "Fewer than 1 in 10"."""
    if percent >= 100:
        return "All"
    if percent <= 0:
        return "None"
    tenths = round(percent / 10)
    if tenths == 0:
        return "Fewer than 1 in 10"
    if tenths == 10:
        return "More than 9 in 10"
    return f"About {tenths} in 10"


def _either(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def upper_options(question: Question) -> tuple[str, ...]:
    """The options a sentence adds up: a scale's upper half (above its middle), "Yes" of a
    yes / no question; none for other questions (their sentence names the most given answer)."""
    core = [option.id for option in question.options]
    if question.kind in (SCALE, FACE_SCALE) and len(core) >= 3:
        return tuple(core[len(core) // 2 + len(core) % 2 :])
    if question.kind == YES_NO and "yes" in core:
        return ("yes",)
    return ()


def answer_sentence(question: Question, who: str, published: PublishedQuestion | None) -> str:
    """One group's answers to one question in a sentence with its base, from published figures.

    `question` is the question as the group was asked it (an age band's own options)."""
    if published is None or not published.shown or not isinstance(published.base, int):
        return f"{TOO_FEW} for {who}."
    cells = {cell.option: cell for cell in published.cells}
    base = f"out of {published.base}"
    if question.has_directions:
        return _positive_sentence(question, who, published)
    upper = upper_options(question)
    if upper:
        chosen = [cells.get(option) for option in upper]
        if any(cell is None or not isinstance(cell.count, int) for cell in chosen):
            return f"{TOO_FEW} for {who} ({SOME_HIDDEN})."
        percent = sum(float(cell.percent or 0) for cell in chosen if cell is not None)
        words = _either([f"“{option_label(question, option)}”" for option in upper])
        return f"{share_in_words(percent)} {who} answered {words}, {base}."
    own = [option.id for option in question.options]
    shown = [
        (cells[option].count, float(cells[option].percent or 0), option)
        for option in own
        if option in cells and isinstance(cells[option].count, int)
    ]
    if not shown or len(shown) < len([o for o in own if o in cells]):
        return f"{TOO_FEW} for {who} ({SOME_HIDDEN})."
    count, percent, option = max(shown, key=lambda found: (found[0], -own.index(found[2])))
    if count == 0:
        return f"None of the {who} gave one of these answers, {base}."
    most = "chosen most" if question.kind == MULTIPLE_CHOICE else "given most"
    return (
        f"The answer {most} by {who} was “{option_label(question, option)}”: "
        f"{share_in_words(percent).lower()}, {base}."
    )


def _positive_sentence(question: Question, who: str, published: PublishedQuestion) -> str:
    """The share of answers that lean positive, as the survey declares its options' directions:
    comparable across age bands with different scales. "Don't know" and "rather not say" are
    left out of its base: the published base less their published counts (all rounded)."""
    cells = {cell.option: cell for cell in published.cells}
    positive = [o for o in question.options if o.direction == Direction.POSITIVE]
    needed = [o.id for o in positive] + [o for o in question.special_options()]
    counts = {option: cells[option].count if option in cells else 0 for option in needed}
    if not positive or any(not isinstance(count, int) for count in counts.values()):
        return f"{TOO_FEW} for {who} ({SOME_HIDDEN})."
    specials = sum(int(counts[option]) for option in question.special_options())
    base = int(published.base) - specials
    if base <= 0:
        return f"{TOO_FEW} for {who}."
    share = 100 * sum(int(counts[o.id]) for o in positive) / base
    if all(option.id == str(option.direction) for option in positive):
        # Counted across age bands as directions: each band's positive answers are its own
        # words, so there are no one band's words to quote ("Positive answers" would repeat).
        return f"{share_in_words(share)} {who} gave a positive answer, out of {base}."
    words = _either([f"“{option.label.en}”" for option in positive])
    return f"{share_in_words(share)} {who} gave a positive answer ({words}), out of {base}."


def _points(value: float) -> str:
    rounded = round(abs(value), 1)
    number = f"{rounded:g}"
    return f"{number} point" if rounded == 1 else f"{number} points"


def _signed(value: float) -> str:
    return f"{round(value, 1):g}"


def change_sentence(
    change: PairedChange | None, pairs: int | str, shown: bool, rules: DisclosureRules
) -> str:
    """The typical change in the same people, with its interval, in words: "Scores went up by
    about 1 point, 95% CI 1 to 2, from 40 pairs"."""
    if not shown or change is None or change.hodges_lehmann is None:
        return f"Too few pairs to tell how scores changed (fewer than {rules.minimum_base})."
    estimate = float(change.hodges_lehmann)
    if round(estimate, 1) == 0:
        moved = "Scores stayed about the same"
    elif estimate > 0:
        moved = f"Scores went up by about {_points(estimate)}"
    else:
        moved = f"Scores went down by about {_points(estimate)}"
    interval = ""
    if change.interval_low is not None and change.interval_high is not None:
        interval = (
            f", 95% CI {_signed(float(change.interval_low))} to "
            f"{_signed(float(change.interval_high))}"
        )
    return f"{moved}{interval}, from {pairs} pairs."


def hidden_in_words(
    rules: DisclosureRules, hidden_cells: int, left_out: Sequence[str]
) -> tuple[str, ...]:
    """What the report does not show and why, in words (no small number is ever told)."""
    lines = [
        f"To keep every child and practitioner unrecognisable, a number between 1 and "
        f"{rules.largest_hidden} is never shown: such counts (and any count that would give "
        f"one away) appear as “{notes.HIDDEN}”, and a group of fewer than {rules.minimum_base} "
        f"responses shows no breakdown at all (“{notes.NOT_SHOWN}”). Other counts are rounded "
        f"to the nearest {rules.round_to}, and shares are worked out from the rounded counts.",
    ]
    if hidden_cells:
        lines.append(
            f"In this report {hidden_cells} of the answer counts are hidden; charts draw them as "
            "a grey “not shown (small numbers)” part at the end of the bar."
        )
    lines.extend(dict.fromkeys(left_out))
    return tuple(lines)


def summary_section(
    sections: Sequence[Section], findings: Sequence[Finding], rules: DisclosureRules
) -> Section:
    """The first page: the findings, then what is not shown and why (from the detail's own
    remarks and the hidden counts of its tables)."""
    hidden = sum(
        1
        for section in sections
        for chart in section.charts
        for row in chart.table.rows
        for value in row[1:]
        if value == notes.HIDDEN
    )
    left_out = [remark for section in sections for remark in section.remarks] + [
        f"{chart.title} – {remark}"
        for section in sections
        for chart in section.charts
        for remark in chart.remarks
    ]
    return Section(
        "Summary",
        "What the answers say, question by question. Each sentence gives the number of people "
        "it is about (rounded). The detail, with charts and tables, follows.",
        findings=tuple(findings),
        remarks=hidden_in_words(rules, hidden, left_out),
        key="summary",
    )
