"""Recording focus-group sessions: start one (council, guide, date, how many took part by age
band, consent), add items over several visits, close it. Takes a session, never commits.

Who took part is never stored: only counts by age band. Words are sealed with the text key
at once, for the worker to screen and anonymise (`processing`), as survey free text is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import council_scope
from ..crypto import TextVault
from ..definitions.guides import GuideDefinition, Prompt, PromptKind
from ..inputs import normalise_text
from ..models import (
    Council,
    FocusGroupItem,
    FocusGroupItemKind,
    FocusGroupSession,
    FocusGroupStatus,
    User,
)
from ..operations import OperationError, find_council

# Words a facilitator can type for one item: a long flip chart, not a transcript.
MAX_TEXT = 5000
# More than this many in one group is not a focus group (and a typo for a count).
MAX_PARTICIPANTS = 60
MAX_COUNT = 1000
GENERAL = "General notes"

WORD_KINDS = (
    FocusGroupItemKind.NOTE,
    FocusGroupItemKind.QUOTE,
    FocusGroupItemKind.STICKY_NOTE,
)
COUNT_KINDS = (FocusGroupItemKind.VOTES, FocusGroupItemKind.SHOW_OF_HANDS)

# What may be recorded for each kind of prompt (notes and quotes for all; photos for all but
# general notes, which have no prompt to photograph).
ITEM_KINDS: Mapping[PromptKind | None, tuple[FocusGroupItemKind, ...]] = {
    PromptKind.DISCUSSION: (
        FocusGroupItemKind.NOTE,
        FocusGroupItemKind.QUOTE,
        FocusGroupItemKind.PHOTO,
    ),
    PromptKind.STICKY_NOTES: (
        FocusGroupItemKind.STICKY_NOTE,
        FocusGroupItemKind.NOTE,
        FocusGroupItemKind.QUOTE,
        FocusGroupItemKind.PHOTO,
    ),
    PromptKind.DOT_VOTE: (
        FocusGroupItemKind.VOTES,
        FocusGroupItemKind.NOTE,
        FocusGroupItemKind.QUOTE,
        FocusGroupItemKind.PHOTO,
    ),
    PromptKind.SCALE: (
        FocusGroupItemKind.SHOW_OF_HANDS,
        FocusGroupItemKind.NOTE,
        FocusGroupItemKind.QUOTE,
        FocusGroupItemKind.PHOTO,
    ),
    PromptKind.DRAWING: (
        FocusGroupItemKind.PHOTO,
        FocusGroupItemKind.NOTE,
        FocusGroupItemKind.QUOTE,
    ),
    None: (FocusGroupItemKind.NOTE, FocusGroupItemKind.QUOTE),
}


@dataclass(frozen=True)
class ItemInput:
    """One item as typed: for a prompt (None: a general note), its kind, words or counts."""

    prompt: str | None
    kind: str
    text: str = ""
    counts: Mapping[str, Any] = field(default_factory=dict)


def councils_for(session: Session, user: User) -> list[Council]:
    """The councils user may record sessions for (their own, or all for regional staff)."""
    scope = council_scope(user)
    query = select(Council).order_by(Council.name)
    if scope is not None:
        query = query.where(Council.id.in_(scope))
    return list(session.scalars(query))


def start_session(
    session: Session,
    guides: Mapping[str, GuideDefinition],
    user: User,
    *,
    council_name: str,
    guide_id: str,
    held_on: str | dt.date,
    participants: Mapping[str, Any],
    consent_recorded: bool,
    today: dt.date,
) -> FocusGroupSession:
    """A new open session, or OperationError naming the field that is wrong."""
    council = find_council(session, council_name) if council_name.strip() else None
    scope = council_scope(user)
    # Another council's name reads like one that does not exist.
    if council is None or (scope is not None and council.id not in scope):
        raise OperationError("Choose a council you record sessions for.", field="council")
    guide = guides.get(guide_id)
    if guide is None:
        raise OperationError("Choose one of the focus-group guides.", field="guide")
    day = _held_on(held_on, today)
    counts = _participants(guide, participants)
    if consent_recorded is not True:
        raise OperationError(
            "Confirm that consent was recorded for everyone who took part.",
            field="consent_recorded",
        )
    found = FocusGroupSession(
        council_id=council.id,
        guide_id=guide.id,
        guide_version=guide.version,
        participant_group=guide.group.value,
        held_on=day,
        participants=counts,
        consent_recorded=True,
        status=FocusGroupStatus.OPEN.value,
        created_on=today,
        created_by_id=user.id,
    )
    session.add(found)
    session.flush()
    return found


def _held_on(value: str | dt.date, today: dt.date) -> dt.date:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise OperationError(
                "The date held is not a date (use YYYY-MM-DD).", field="held_on"
            ) from None
    if day > today:
        raise OperationError(
            f"The date held ({day.isoformat()}) is in the future: record a session once it "
            "has taken place.",
            field="held_on",
        )
    return day


def _participants(guide: GuideDefinition, given: Mapping[str, Any]) -> dict[str, int]:
    bands = guide.band_ids()
    unknown = sorted(set(given) - set(bands))
    if unknown:
        raise OperationError(
            f"{guide.title.en} counts participants in the age bands {', '.join(bands)}, "
            f"not {', '.join(unknown)}.",
            field="participants",
        )
    counts: dict[str, int] = {}
    for band in bands:
        number = _whole_number(given.get(band), MAX_PARTICIPANTS)
        if number is None:
            raise OperationError(
                f"How many aged {band} took part must be a whole number from 0 to "
                f"{MAX_PARTICIPANTS}.",
                field=f"participants-{band}",
            )
        counts[band] = number
    if sum(counts.values()) < 1:
        raise OperationError(
            "Say how many took part in at least one age band.",
            field=f"participants-{bands[0]}",
        )
    return counts


def _whole_number(value: Any, maximum: int) -> int | None:
    """A count as typed (a form's string or JSON's number; empty means 0), or None if it is not
    a whole number from 0 to maximum."""
    if value in ("", None):
        return 0
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return None
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number <= maximum else None


def session_for(session: Session, session_id: int, user: User) -> FocusGroupSession | None:
    """The session, if user may see its council (another council's looks like none)."""
    found = session.get(FocusGroupSession, session_id)
    scope = council_scope(user)
    if found is None or (scope is not None and found.council_id not in scope):
        return None
    return found


def sessions_for(session: Session, user: User) -> list[FocusGroupSession]:
    """The sessions of the councils user may see, latest held first."""
    scope = council_scope(user)
    query = select(FocusGroupSession).order_by(
        FocusGroupSession.held_on.desc(), FocusGroupSession.id.desc()
    )
    if scope is not None:
        query = query.where(FocusGroupSession.council_id.in_(scope))
    return list(session.scalars(query))


def check_open(found: FocusGroupSession) -> None:
    """Refuse to change a closed session."""
    if found.status != FocusGroupStatus.OPEN:
        raise OperationError("This session is closed: nothing more can be added.", field="")


def add_items(
    session: Session,
    vault: TextVault,
    found: FocusGroupSession,
    guide: GuideDefinition,
    items: Sequence[ItemInput],
    field_prefix: str | None = "items",
) -> list[FocusGroupItem]:
    """Add word and count items to an open session (photos: `photos.add_photo`), all or none.

    Words are sealed at once; the caller commits, then has each word item processed. Problems
    name `items[i].field` (the API's JSON), or the form's own field with field_prefix None."""
    check_open(found)
    made = []
    for index, given in enumerate(items):
        where = "" if field_prefix is None else f"{field_prefix}[{index}]"
        made.append(_item(vault, found, guide, given, where))
    for item in made:
        session.add(item)
    session.flush()
    return made


def _name(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def prompt_of(guide: GuideDefinition, prompt_id: str | None, where: str = "") -> Prompt | None:
    """The guide's prompt (None for general notes), or OperationError naming the field."""
    if prompt_id in (None, ""):
        return None
    try:
        return guide.prompt(str(prompt_id))
    except KeyError:
        raise OperationError(
            f"{guide.title.en} has no prompt '{prompt_id}'.", field=_name(where, "prompt")
        ) from None


def check_kind(prompt: Prompt | None, kind: str, where: str = "") -> FocusGroupItemKind:
    """The item kind, if it fits the prompt; OperationError otherwise."""
    allowed = ITEM_KINDS[prompt.kind if prompt else None]
    if kind not in [k.value for k in allowed]:
        about = f"a {prompt.kind.value} prompt" if prompt else "general notes"
        raise OperationError(
            f"An item for {about} is one of: {', '.join(k.value for k in allowed)}.",
            field=_name(where, "kind"),
        )
    return FocusGroupItemKind(kind)


def _item(
    vault: TextVault,
    found: FocusGroupSession,
    guide: GuideDefinition,
    given: ItemInput,
    where: str,
) -> FocusGroupItem:
    prompt = prompt_of(guide, given.prompt, where)
    kind = check_kind(prompt, given.kind, where)
    if kind == FocusGroupItemKind.PHOTO:
        raise OperationError("Photos are uploaded one at a time.", field=_name(where, "kind"))
    item = FocusGroupItem(
        session_id=found.id,
        prompt_id=prompt.id if prompt else None,
        prompt_words=(prompt.title.en if prompt else GENERAL)[:300],
        kind=kind.value,
    )
    if kind in COUNT_KINDS:
        assert prompt is not None
        item.counts = _counts(prompt, given.counts, where)
        item.processed = True
        return item
    text = normalise_text(given.text or "").strip()
    if not text:
        raise OperationError("Type the words of this item.", field=_name(where, "text"))
    if len(text) > MAX_TEXT:
        raise OperationError(
            f"An item holds at most {MAX_TEXT} characters: split it into several.",
            field=_name(where, "text"),
        )
    item.ciphertext = vault.seal(text)
    item.processed = False
    return item


def _counts(prompt: Prompt, given: Mapping[str, Any], where: str) -> dict[str, int]:
    options = [option.id for option in prompt.options]
    unknown = sorted(set(given) - set(options))
    if unknown:
        raise OperationError(
            f"'{prompt.id}' has the options {', '.join(options)}, not {', '.join(unknown)}.",
            field=_name(where, "votes"),
        )
    counts: dict[str, int] = {}
    for option in options:
        number = _whole_number(given.get(option), MAX_COUNT)
        if number is None:
            raise OperationError(
                f"The count for '{option}' must be a whole number from 0 to {MAX_COUNT}.",
                field=_name(where, f"votes-{option}") if not where else _name(where, "votes"),
            )
        counts[option] = number
    if not any(counts.values()):
        raise OperationError("Give at least one count above 0.", field=_name(where, "votes"))
    return counts


def close_session(found: FocusGroupSession, today: dt.date) -> None:
    """Close a session: no more items. Closing twice changes nothing."""
    if found.status == FocusGroupStatus.CLOSED:
        return
    found.status = FocusGroupStatus.CLOSED.value
    found.closed_on = today


def record_from_json(
    session: Session,
    vault: TextVault,
    guides: Mapping[str, GuideDefinition],
    user: User,
    data: Any,
    today: dt.date,
) -> FocusGroupSession:
    """A session and its items from the API's JSON (`guide`, `council`, `held_on`,
    `participants`, `consent_recorded`, `items` [{prompt, kind, text, votes}]), all or nothing:
    OperationError names the first field that is wrong; the caller rolls back."""
    if not isinstance(data, dict):
        raise OperationError("Send a JSON object.", field="(body)")
    known = {"guide", "council", "held_on", "participants", "consent_recorded", "items"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise OperationError(f"Unknown field: {', '.join(unknown)}.", field=unknown[0])
    for name in ("guide", "council", "held_on"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise OperationError(f"'{name}' is required, as a string.", field=name)
    participants = data.get("participants")
    if not isinstance(participants, dict):
        raise OperationError(
            "'participants' is required: an object of age band to how many took part.",
            field="participants",
        )
    if data.get("consent_recorded") is not True:
        raise OperationError(
            "'consent_recorded' must be true: record a session only once consent was recorded.",
            field="consent_recorded",
        )
    items = data.get("items", [])
    if not isinstance(items, list):
        raise OperationError("'items' is a list of items.", field="items")
    found = start_session(
        session,
        guides,
        user,
        council_name=data["council"],
        guide_id=data["guide"],
        held_on=data["held_on"],
        participants=participants,
        consent_recorded=True,
        today=today,
    )
    given: list[ItemInput] = []
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            raise OperationError("An item is an object.", field=where)
        extra = sorted(set(item) - {"prompt", "kind", "text", "votes"})
        if extra:
            raise OperationError(f"Unknown field: {', '.join(extra)}.", field=f"{where}.{extra[0]}")
        prompt = item.get("prompt")
        if prompt is not None and not isinstance(prompt, str):
            raise OperationError("'prompt' is a prompt id.", field=f"{where}.prompt")
        kind = item.get("kind")
        if not isinstance(kind, str):
            raise OperationError("'kind' is required.", field=f"{where}.kind")
        text = item.get("text", "")
        if not isinstance(text, str):
            raise OperationError("'text' is a string.", field=f"{where}.text")
        votes = item.get("votes", {})
        if not isinstance(votes, dict):
            raise OperationError(
                "'votes' is an object of option id to count.", field=f"{where}.votes"
            )
        given.append(ItemInput(prompt or None, kind, text, votes))
    guide = guides[found.guide_id]
    add_items(session, vault, found, guide, given)
    return found
