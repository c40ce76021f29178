"""Dot-vote and show-of-hands results per guide prompt, for one council (or the region) and one
closed period, through the one publishing unit of work (survey_app.privacy.disclosure).

What is counted is votes, not children: a child may put several dots on a dot vote, or raise no
hand at all. Each vote is therefore a member of its group, as a response is in a survey's:
numbered within its item (`vote_ids`, far above any coded item's id, so the two never meet in
the ledger they share), with a secret cell key made from the deployment's link key (an item
has no key column, and a vote no row). A prompt's votes in a council and period are one group:
settled against every group published before, each option's count and the base (every vote
cast on the prompt) perturbed by its votes' keys, small counts hidden, the rest rounded, and
recorded. Votes of different prompts, guides or kinds are never added together: each prompt's
options mean what that prompt asked.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definitions.guides import GuideDefinition
from ..models import FocusGroupItem, FocusGroupItemKind, FocusGroupSession
from ..periods import Period
from ..privacy.disclosure import (
    KEY_RANGE,
    DisclosureRules,
    PublishedQuestion,
    QuestionCounts,
    notes,
    publishing,
)

# Vote ids start far above any coded item's id (theme counts are published under the same
# subject) and give each item room for 65,536 votes (a guide's options times 1,000 at most).
VOTE_IDS_FROM = 1 << 40
VOTE_SLOTS = 1 << 16
RULES = DisclosureRules()

COUNTED = {
    FocusGroupItemKind.VOTES: ("Dot vote", "dots placed", "dots"),
    FocusGroupItemKind.SHOW_OF_HANDS: ("Show of hands", "hands raised", "hands"),
}
WITHHELD_WORDS = {
    notes.SMALL_BASE: "too few votes to tell",
    notes.TOO_CLOSE: "too close to figures already published: not shown",
}


@dataclass(frozen=True)
class VoteFigure:
    """One option's published count of votes: a number, or "c" (hidden)."""

    option: str
    words: str
    count: int | str

    @property
    def number(self) -> int:
        """The count as a bar's length (0 for a hidden one)."""
        return self.count if isinstance(self.count, int) else 0


@dataclass(frozen=True)
class PromptVotes:
    """One guide prompt's published votes in one council (or the region) and period."""

    guide: str
    guide_title: str
    prompt: str
    title: str
    kind: FocusGroupItemKind
    base: int | str
    figures: tuple[VoteFigure, ...]
    withheld: str = ""
    # Votes recorded since these figures were first published, too few to show yet.
    held_back: bool = False

    @property
    def shown(self) -> bool:
        return not self.withheld

    @property
    def what(self) -> str:
        """ "Dot vote" or "Show of hands"."""
        return COUNTED[self.kind][0]

    @property
    def counted(self) -> str:
        """What the base counts: "dots placed" or "hands raised"."""
        return COUNTED[self.kind][1]

    @property
    def unit(self) -> str:
        """What each count counts: "dots" or "hands"."""
        return COUNTED[self.kind][2]

    def largest(self) -> int:
        return max([figure.number for figure in self.figures] + [1])

    def headline(self) -> str:
        """A sentence from the published figures only, saying that they are votes."""
        if not self.shown:
            reason = WITHHELD_WORDS.get(self.withheld, "not shown")
            return f"{self.what}, “{self.title}”: {reason}."
        top = max(self.figures, key=lambda figure: figure.number, default=None)
        if top is None or top.number == 0:
            return (
                f"{self.what}, “{self.title}”: no option stood out among about {self.base} "
                f"{self.counted}."
            )
        return (
            f"{self.what}, “{self.title}”: most {self.unit} on “{top.words}” (about "
            f"{top.count} of about {self.base} {self.counted})."
        )


def vote_ids(item_id: int, counts: Mapping[str, int], options: Sequence[str]) -> dict[int, str]:
    """Each vote of one item as a member id, with the option it was cast for (options in the
    order given, then any the guide no longer has)."""
    order = [*options, *sorted(set(counts) - set(options))]
    votes: dict[int, str] = {}
    first = VOTE_IDS_FROM + item_id * VOTE_SLOTS
    for option in order:
        for _ in range(int(counts.get(option, 0))):
            if len(votes) >= VOTE_SLOTS:
                raise ValueError(f"More votes than one item has room for (item {item_id}).")
            votes[first + len(votes)] = option
    return votes


def vote_key(secret: bytes, vote_id: int) -> int:
    """One vote's secret cell key: a keyed hash of its id, never shown."""
    digest = hmac.new(secret, str(vote_id).encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "little") % KEY_RANGE


def key_secret(link_key: str) -> bytes:
    """The secret vote keys are made with, derived from the deployment's link key."""
    return hmac.new(link_key.encode(), b"focus-group-vote-keys", hashlib.sha256).digest()


@dataclass(frozen=True)
class _Prompt:
    guide: str
    guide_title: str
    prompt: str
    kind: FocusGroupItemKind
    title: str
    options: tuple[tuple[str, str], ...]  # (id, words)


def _prompt_of(
    guides: Mapping[str, GuideDefinition], guide_id: str, prompt_id: str, words: str, kind: str
) -> _Prompt:
    guide = guides.get(guide_id)
    found = next((p for p in guide.prompts if p.id == prompt_id), None) if guide else None
    options = tuple((o.id, o.label.en) for o in found.options) if found is not None else ()
    title = found.title.en if found is not None else words
    guide_title = guide.title.en if guide is not None else guide_id
    return _Prompt(guide_id, guide_title, prompt_id, FocusGroupItemKind(kind), title, options)


def publish_votes(
    session: Session,
    subject: str,
    guides: Mapping[str, GuideDefinition],
    council_ids: Sequence[int],
    scope_name: str,
    period: Period,
    link_key: str,
    requested_by_id: int | None,
) -> list[PromptVotes]:
    """The votes and shows of hands per guide prompt of the councils' sessions held in one
    closed period (the councils together: one council, or the region), published under
    `subject` and recorded; the caller checks the period is closed and commits."""
    rows = session.execute(
        select(
            FocusGroupItem.id,
            FocusGroupSession.guide_id,
            FocusGroupItem.prompt_id,
            FocusGroupItem.prompt_words,
            FocusGroupItem.kind,
            FocusGroupItem.counts,
        )
        .join(FocusGroupSession, FocusGroupSession.id == FocusGroupItem.session_id)
        .where(
            FocusGroupSession.council_id.in_(list(council_ids)),
            FocusGroupSession.held_on >= period.start,
            FocusGroupSession.held_on <= period.end,
            FocusGroupItem.kind.in_([kind.value for kind in COUNTED]),
            FocusGroupItem.prompt_id.is_not(None),
        )
        .order_by(FocusGroupItem.id)
    )
    prompts: dict[tuple[str, str, str], _Prompt] = {}
    votes: dict[tuple[str, str, str], dict[int, str]] = {}
    for item_id, guide_id, prompt_id, words, kind, counts in rows:
        key = (guide_id, prompt_id, kind)
        if key not in prompts:
            prompts[key] = _prompt_of(guides, guide_id, prompt_id, words, kind)
        given = {str(option): int(number) for option, number in (counts or {}).items()}
        options = [option for option, _ in prompts[key].options]
        votes.setdefault(key, {}).update(vote_ids(item_id, given, options))
    secret = key_secret(link_key)
    found = []
    with publishing(session, subject, RULES, requested_by_id) as unit:
        for key in sorted(prompts, key=lambda k: _order(guides, k)):
            prompt = prompts[key]
            scope = (
                f"{scope_name}, {prompt.guide} {prompt.prompt} {prompt.kind.value}, "
                f"period {period.key} (votes)"
            )
            settlement = unit.settle(frozenset(votes[key]), scope)
            withheld = ""
            if settlement.conflict is not None:
                withheld = notes.TOO_CLOSE
            elif not settlement.members:
                withheld = notes.SMALL_BASE
            if withheld:
                found.append(_withheld(prompt, withheld))
                continue
            counted = _counts(prompt, votes[key], settlement.members, secret)
            [published] = unit.protect_tables(settlement.members, scope, [counted])
            found.append(_published(prompt, published, bool(settlement.held_back)))
    return found


def _order(
    guides: Mapping[str, GuideDefinition], key: tuple[str, str, str]
) -> tuple[str, int, str]:
    """Guides by id, prompts in the guide's order."""
    guide_id, prompt_id, kind = key
    guide = guides.get(guide_id)
    ids = [p.id for p in guide.prompts] if guide else []
    return guide_id, ids.index(prompt_id) if prompt_id in ids else len(ids), kind


def _counts(
    prompt: _Prompt, votes: Mapping[int, str], members: frozenset[int], secret: bytes
) -> QuestionCounts:
    options = [option for option, _ in prompt.options]
    options += sorted({votes[m] for m in members} - set(options))
    counts = dict.fromkeys(options, 0)
    keys = dict.fromkeys(options, 0)
    base_key = 0
    for member in members:
        option = votes[member]
        key = vote_key(secret, member)
        counts[option] += 1
        keys[option] = (keys[option] + key) % KEY_RANGE
        base_key = (base_key + key) % KEY_RANGE
    return QuestionCounts(
        question=f"{prompt.guide}:{prompt.prompt}:{prompt.kind.value}",
        options=tuple(options),
        counts=counts,
        base=len(members),
        keys=keys,
        base_key=base_key,
        group_size=len(members),
    )


def _withheld(prompt: _Prompt, reason: str) -> PromptVotes:
    return PromptVotes(
        prompt.guide,
        prompt.guide_title,
        prompt.prompt,
        prompt.title,
        prompt.kind,
        notes.NOT_SHOWN,
        (),
        reason,
    )


def _published(prompt: _Prompt, published: PublishedQuestion, held_back: bool) -> PromptVotes:
    if not published.shown:
        return _withheld(prompt, published.withheld)
    words = dict(prompt.options)
    figures = tuple(
        VoteFigure(cell.option, words.get(cell.option, cell.option), cell.count)
        for cell in published.cells
    )
    return PromptVotes(
        prompt.guide,
        prompt.guide_title,
        prompt.prompt,
        prompt.title,
        prompt.kind,
        published.base,
        figures,
        held_back=held_back,
    )
