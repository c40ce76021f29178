"""What the markers and note codes in published tables mean, in words a facilitator understands.

Every table row carries a `note` column holding zero or more short codes (space separated); the
sentences below explain each code. Pages, CSV readers and (later) spreadsheet footnote blocks all
take their words from `footnotes()`, so a code never appears anywhere without its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import DisclosureRules

# What stands in a count, base or percent cell instead of a number.
HIDDEN = "c"  # this one count is hidden (the convention of DfE and NHS England tables)
NOT_SHOWN = "x"  # no breakdown at all for this question in this group

# Note codes. Every count hidden for protection has the same code, whatever the reason (small
# itself, hidden so that a total cannot give another away, or too close to a figure already
# published): a code per reason would tell a reader which hidden counts are small.
SMALL_COUNT = "hidden"
SMALL_BASE = "small-base"
FOLLOWS_HIDDEN = "follows-hidden"
CANNOT_PROTECT = "cannot-protect"
REGION_LEAVES_OUT = "region-leaves-out"
HELD_BACK = "held-back"
TOO_CLOSE = "too-close"
BY_DIRECTION = "by-direction"
BANDS_DIFFER = "bands-differ"

REGION = "Region (all councils)"


@dataclass(frozen=True)
class Footnote:
    code: str
    text: str


def footnotes(rules: DisclosureRules) -> tuple[Footnote, ...]:
    """Every note code with its explanation, for these thresholds."""
    hidden_top = rules.largest_hidden
    minimum = rules.minimum_base
    return (
        Footnote(
            SMALL_COUNT,
            f"{HIDDEN} = hidden: this count, after its small fixed change, came to between 1 and "
            f"{hidden_top}, or it is hidden so that a small number cannot be worked out from "
            "the total, the other figures or figures already published.",
        ),
        Footnote(
            SMALL_BASE,
            f"{NOT_SHOWN} = not shown: fewer than {minimum} responses in this group answered "
            f"this question, so no breakdown is shown.",
        ),
        Footnote(
            FOLLOWS_HIDDEN,
            f"{NOT_SHOWN} = not shown: this question was only asked after an answer whose number "
            "is hidden here, and its figures would reveal that number.",
        ),
        Footnote(
            CANNOT_PROTECT,
            f"{NOT_SHOWN} = not shown: none of the answers' numbers could be shown without "
            "revealing a small number, from the other figures or from figures already "
            "published.",
        ),
        Footnote(
            REGION_LEAVES_OUT,
            "The region figures for this question leave out councils whose own figures for it "
            "are not shown, so that the region minus the other councils cannot reveal them.",
        ),
        Footnote(
            TOO_CLOSE,
            f"{NOT_SHOWN} = not shown: this group differs from figures already published by "
            f"between 1 and {hidden_top} responses, so its figures would reveal theirs.",
        ),
        Footnote(
            BY_DIRECTION,
            "Across age bands this question is shown only as negative, middle and positive "
            "answers, as the survey declares them: each age band was asked with its own answers, "
            "so their counts are not added together (see each age band's rows).",
        ),
        Footnote(
            BANDS_DIFFER,
            f"{NOT_SHOWN} = not shown across age bands: each age band was asked with its own "
            "answers, and the survey does not declare which are positive (see each age band's "
            "rows).",
        ),
        Footnote(
            HELD_BACK,
            "Some recent responses are held back from this group: fewer than "
            f"{rules.suppress_below} have arrived since its figures were last published, and "
            "publishing them now would let someone work out their answers by subtraction. They "
            f"are included once at least {rules.suppress_below} have arrived.",
        ),
    )


def markers(rules: DisclosureRules) -> tuple[Footnote, ...]:
    """What c and x stand for, for pages whose tables carry no note codes: a report says beside
    each chart, in words, why a group or question is not shown."""
    return (
        next(note for note in footnotes(rules) if note.code == SMALL_COUNT),
        Footnote(
            NOT_SHOWN,
            f"{NOT_SHOWN} = not shown: the words beside the chart say why.",
        ),
    )


def rules_in_words(rules: DisclosureRules, *, rows: bool = True) -> tuple[str, ...]:
    """The publishing rules as a facilitator reads them beside the downloads and in reports
    (rows=False leaves out the linked research extract's, for pages of figures only)."""
    figures = (
        "Figures are only about whole publication periods (a quarter, a month or a day, as the "
        "survey sets) that have closed; a closed period's figures never change.",
        f"No breakdown is shown for a group with fewer than {rules.minimum_base} responses, nor "
        f"for a question fewer than {rules.minimum_base} of them answered.",
        "Every count of answers, zeros included, has a small change added that is fixed for "
        "that group of responses (the cell key method), so the same table always shows the "
        "same figures and nobody can work out a child's answer by adding answers of their own. "
        f"Counts that come to 1 to {rules.largest_hidden} are then shown as {HIDDEN}. (Counts "
        "of people whose ratings went up, stayed or went down are hidden from 1 to "
        f"{rules.largest_hidden} instead.)",
        f"Every count shown, and every base, is rounded to the nearest {rules.round_to} "
        f"(halves round up), so {rules.suppress_below} shows as "
        f"{rules.rounded(rules.suppress_below)}.",
        "Percentages come from the rounded count and base shown, only where the count is "
        "shown, so they may not add up to 100.",
        "Every download is recorded. A group whose responses differ from a group already "
        f"published by between 1 and {rules.largest_hidden} is not shown, or the download is "
        "refused, so that no subtraction of two tables reveals a small number.",
    )
    if not rows:
        return figures
    return (
        *figures,
        "Where a deployment allows it, admins may download a linked research extract: in it "
        "the distribution, month, language and age band are shown only in combinations "
        f"shared by at least {rules.suppress_below} responses of a council ({HIDDEN} "
        "otherwise), in random order.",
    )
