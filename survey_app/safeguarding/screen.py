"""The risk screen: does a free-text answer suggest that a child is at risk now or soon?

`screen(text, source)` reads the text the way a careful person would: it finds cues of harm
(hitting, touching, cutting, carrying for older boys, no food, running away...), then weighs
what is around them: a joke or figure of speech ("kms this survey is taking forever"), harm that
is over ("used to ... but he's gone"), harm that is still current ("never told", "nothing
happened", "still"), play between siblings, and practitioners' training vocabulary. `alert`
means show the safety message and tell the lead; `review` means a person should read it.

Over 400 lines on purpose: the weighing of cues (negation, jokes, past, play, third parties)
reads as one argument from cue to level; the cues themselves are data in `cues.py` and
`lexicon.py`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from . import cues as cue_table
from .gate import Gate, GateIndex, branch_gates, gate
from .lexicon import broad_cues
from .model import model
from .normalise import normalise


class Level(StrEnum):
    """What the screen asks for: an alert now, a person to read it, or nothing."""

    ALERT = "alert"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True)
class Screening:
    """The screen's answer: a level and reasons a safeguarding lead can read."""

    level: Level
    reasons: tuple[str, ...]


SOURCES = frozenset({"child", "carer", "advocate", "practitioner", "focus_group", "complaint"})

# Answers are short; an enormous one is screened on its start and end so a disclosure at either
# end is still seen while the time taken stays bounded.
MAX_CHARACTERS = 12_000
_HEAD = 9_000
_TAIL = 3_000

_NONE = Screening(Level.NONE, ())
_SOFTENED = "softened"
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_WORD = re.compile(r"[a-z0-9£]+")

_PAST = re.compile(
    r"\b(?:used to|before|when (?:i|she|he|we) (?:was|were) (?:little|younger|small|a kid|a baby|"
    r"\d+)|ages ago|years ago|a long time ago|last year|back then|in the past|in year \d|at my old|"
    r"when (?:i|she|he|we) lived (?:with|at)|before (?:she|he|i) came|disclosed last)\b"
)
_RESOLVED = re.compile(
    r"\b(?:stopped|gone|moved out|moved away|(?:dad|he|she|mum) (?:has )?left|in (?:prison|jail)|"
    r"no contact|charged|convicted|safe now|(?<!dont )(?<!not )(?<!never )(?:feel|feels|felt) "
    r"safe|doing (?:well|great|good|really well)|(?:is|are|its|im|were|we are|i am|she is|shes|"
    r"hes) (?:fine|ok|okay|good|better|safe|happy|settled) now|now (?:im|i am|we are|were|i feel|"
    r"she feels|he feels|its|i live|we live|i like)|not anymore|not any more|no longer|havent "
    r"for|hasnt for|dont need to|sober|clean for|better now|happy (?:here|now|at)|since "
    r"(?:placement|we moved|i moved|she moved|he moved|she came|he came)|thriving|nothing for|"
    r"over a year|\d+ (?:months|years) (?:now|clean)|settled|done (?:his|her|a) course|goes to "
    r"(?:his|her|a) group|ages ago|years ago|a long time ago|like going|love going|plan ended|"
    r"case closed|were fine|its over)\b|"
    r"\bbut\b(?: (?!worse|more|again|back|started|hits|hurts)\w+){1,8} now\b"
)
_STILL_CURRENT = re.compile(
    r"\b(?:still(?! (?:talk|talks|laugh|laughs|sad|miss|misses|love|loves|remember|remembers|"
    r"upset|angry|annoyed|cross|think about it|get upset|feel sad|hurts to))|again|(?:never|not|"
    r"didnt|havent|hasnt) told (?:anyone|anybody|no one|nobody|my|her|his)|didnt tell (?:anyone|"
    r"anybody)|nobody knows|no one knows|nothing (?:happened|changed|was done|got done|has "
    r"changed|has happened)|no response|not aware|keeps|every (?:night|day|weekend|time)|tonight|"
    r"right now|at the moment|since the (?:meeting|conference)|this (?:weekend|saturday|sunday|"
    r"week)|next (?:overnight|contact|weekend|visit)|hes back|shes back|nobody (?:ever )?"
    r"(?:believes|listens)|nobody is listening)\b"
)
_JOKE = re.compile(
    r"\b(?:lol|joking|joke|joked|laughed|laughing|banter|kidding|messing|only playing|eyeroll|"
    r"didnt mean it|doesnt mean it|not serious|being dramatic|cryemoji)\b"
)
_SERIOUS = re.compile(
    r"\b(?:not joking|not even joking|no joke|not kidding|i mean it|i meant it|mean it this time|"
    r"seriously|(?<!not )serious|genuinely|for real|this time|really want|honestly)\b"
)
# What the hyperbole is about: a long meeting is not a reason to die.
_TRIVIAL = re.compile(
    r"\b(?:this survey|the survey|surveys|this meeting|the meeting|these meetings|another one|"
    r"sit through|taking forever|so long|so boring|boring|homework|maths|exam|test|traffic|queue|"
    r"wifi|forever|\d+ hours|hours|embarrass\w*|cringe|school report|hot water|annoying|ps5|xbox|"
    r"fortnite|fifa|photos|baby photos|my hair|social worker|chair|iro)\b"
)
# A sign the child (or someone reporting them) then took back: a person should still read it.
_TAKEN_BACK = re.compile(
    r"\b(?:was a joke|it was a joke|only joking|just joking|just kidding|said it was a joke|"
    r"(?:then|but) (?:said|says) (?:he|she|they) (?:was|were) joking|laughed it off|then laughed|"
    r"not really|nah (?:its|im|hes|shes|theyre|it was) (?:fine|ok|okay|alright|nothing)|"
    r"(?:its|it was|its prob) nothing|never mind|forget i said|didnt mean it|only playing)\b|"
    r"(?:\.\.|\s)joking\s*$"
)
_PROFESSIONAL_SOURCES = frozenset({"practitioner", "focus_group"})
_PROFESSIONAL = re.compile(
    r"\b(?:training|sessions?|slides|module|programme|rating|rated|rate myself|confidence|"
    r"referrals|course|workshop|guidance|template|protocol|indicators|caseloads?|case studies|"
    r"workload|\d/5|meeting one|meeting four|duty team|policy|learning|supervision|input|"
    r"presentation|briefing|webinar|lecture|toolkit|framework|pathways?|procedures?|"
    r"processes|ad hoc|we need|alerts?|flags?|the screen|overload)\b"
)
_SPECIFIC_CHILD = re.compile(
    r"\b(?:\d{1,2} year old|aged? \d|told me|disclosed|showed me|wrote|home visit|on my caseload|"
    r"today|yesterday|last night|this morning|in the debrief|after conference|after the session|"
    r"at the break|stayed behind|(?:young person|child|girl|boy|she|he) said|said that|one child|"
    r"the child|a girl|a boy|one girl|one boy|a young person|the young person|"
    r"the teenager)\b|\(\d{1,2}\)"
)
_NEGATED = re.compile(
    r"\b(?:not|never|dont|doesnt|didnt|isnt|wasnt|no longer|nobody|no one|noone|stopped|wont|"
    r"hasnt|havent|aint)(?: \w+)? ?$"
)
_ANOTHER_CHILD = re.compile(
    r"\b(?:my (?:little |baby |big |older |younger |twin )?(?:brother|sister|cousin|mate|friend|"
    r"sisters|brothers)|the (?:little ones|baby|kids|children|younger ones)|(?:her|his) "
    r"(?:little |younger |older )?(?:brother|sister|siblings)|sibling|siblings)\b"
)
_ADULT_AGE = re.compile(
    r"\b(?:hes|shes|he is|she is|is|aged|age|like|about|whos|who is|thought was) (?:like |about |"
    r"nearly |only )?(?:1[89]|[2-6]\d)\b(?! (?:minutes|hours|days|weeks|months|times|miles|pounds|"
    r"quid|percent))|\b(?:1[89]|[2-6]\d) year old\b|\bin (?:his|her) (?:20s|30s|40s|twenties|"
    r"thirties|forties)\b"
)
_CHILD_AGE = re.compile(
    r"\b(?:im|shes|hes|she is|he is|aged|is only|only) (?:[89]|1[0-5])\b|\b(?:[89]|1[0-5]) year "
    r"old\b|\((?:[89]|1[0-5])\)"
)
_RELATIONSHIP = re.compile(
    r"\b(?:(?:my|her|his) (?:boyfriend|girlfriend)|(?<!mums )(?<!dads )(?<!nans )boyfriend|"
    r"meet (?:up|me|him|her)|wants to meet|stays? (?:over )?at his|staying at (?:my|her|his) \w+s|"
    r"(?:she|i) stays? over|dating|going out with|sleeping with|having sex|relationship with)\b"
)


@dataclass(frozen=True)
class _Compiled:
    cue: cue_table.Cue
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    softened_by: re.Pattern[str] | None
    raised_by: re.Pattern[str] | None
    # The words one of which a match must begin with; None when the pattern has none.
    gate: Gate | None
    # For a pattern of alternatives, a gate per alternative (None: the gate above is all).
    branches: tuple[Gate, ...] | None


@dataclass(frozen=True)
class _Rules:
    cues: tuple[_Compiled, ...]
    signs: tuple[tuple[float, re.Pattern[str], Gate | None], ...]
    play: re.Pattern[str]
    # The cues' gates, indexed: a text is checked against the few cues its words could start.
    gates: GateIndex
    # The same cues indexed by their alternatives' gates (sharper; for texts without "£").
    alternatives: GateIndex
    # The signs' gates, indexed.
    sign_gates: GateIndex


_rules_lock = threading.Lock()
_rules_cache: list[_Rules] = []


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(cue_table.expand(pattern)) if pattern else None


def _rules() -> _Rules:
    """The compiled cue table, built once per process on first use."""
    if not _rules_cache:
        with _rules_lock:
            if not _rules_cache:
                compiled = tuple(
                    _Compiled(
                        cue,
                        re.compile(cue_table.expand(cue.pattern)),
                        _compile(cue.needs),
                        _compile(cue.unless),
                        _compile(cue.softened_by),
                        _compile(cue.raised_by),
                        gate(cue_table.expand(cue.pattern)),
                        branch_gates(cue_table.expand(cue.pattern)),
                    )
                    for cue in [*cue_table.phrase_cues(), *broad_cues()]
                )
                signs = tuple(
                    (weight, re.compile(cue_table.expand(pattern)), gate(cue_table.expand(pattern)))
                    for weight, pattern in cue_table.EXPLOITATION_SIGNS
                )
                play = re.compile(r"\b" + cue_table.MACROS["PLAY"] + r"\b")
                index = GateIndex([found.gate for found in compiled])
                # A cue of alternatives is filed once for each (their words are rarer than
                # the words every alternative starts with).
                alternatives = [
                    (number, one)
                    for number, found in enumerate(compiled)
                    for one in (found.branches or (found.gate,))
                ]
                by_alternative = GateIndex(
                    [one for _, one in alternatives], [number for number, _ in alternatives]
                )
                sign_gates = GateIndex([sign_gate for _, _, sign_gate in signs])
                _rules_cache.append(
                    _Rules(compiled, signs, play, index, by_alternative, sign_gates)
                )
    return _rules_cache[0]


def _as_text(text: object) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        return bytes(text).decode("utf-8", errors="replace")
    return "" if text is None else str(text)


class _Reading:
    """One normalised text, its sentences and the text-wide contexts, computed when first asked."""

    def __init__(self, normal: str, source: str) -> None:
        self.normal = normal
        self.source = source
        self.bounds = [match.end() for match in _SENTENCE_END.finditer(normal)]
        self.words = set(_WORD.findall(normal))
        # Set when a cue's words were found but their context cancelled them.
        self.cancelled = False
        self.any_cancelled = False

    # Most texts match no cue, so the text-wide contexts are only worked out when one does.
    @cached_property
    def past(self) -> bool:
        return bool(_PAST.search(self.normal))

    @cached_property
    def resolved(self) -> bool:
        return self.past and bool(_RESOLVED.search(self.normal))

    @cached_property
    def still_current(self) -> bool:
        return bool(_STILL_CURRENT.search(self.normal))

    @cached_property
    def joke(self) -> bool:
        return bool(_JOKE.search(self.normal))

    @cached_property
    def serious(self) -> bool:
        return bool(_SERIOUS.search(self.normal))

    @cached_property
    def taken_back(self) -> bool:
        return bool(_TAKEN_BACK.search(self.normal))

    @cached_property
    def professional(self) -> bool:
        return (
            self.source in _PROFESSIONAL_SOURCES
            and bool(_PROFESSIONAL.search(self.normal))
            and not _SPECIFIC_CHILD.search(self.normal)
        )

    def sentence(self, position: int) -> tuple[int, str]:
        """The start and text of the sentence holding position."""
        start = 0
        for end in self.bounds:
            if end > position:
                return start, self.normal[start:end]
            start = end
        return start, self.normal[start:]


def _judge_cue(found: _Compiled, reading: _Reading, rules: _Rules) -> str | None:
    """The level this cue raises in this text (None when its context cancels it).

    A match that its context cancels (a joke, harm that is over, play...) is noted on the reading
    so the learned model does not overrule that reading.
    """
    cue = found.cue
    for match in found.pattern.finditer(reading.normal):
        start, sentence = reading.sentence(match.start())
        if found.needs and not found.needs.search(sentence):
            continue
        reading.cancelled = True
        if found.unless and found.unless.search(sentence):
            continue
        if cue.negatable and _NEGATED.search(
            reading.normal[max(start, match.start() - 30) : match.start()]
        ):
            continue
        if cue.playful and rules.play.search(sentence):
            continue
        if cue.professional and reading.professional:
            return None
        reading.cancelled = False
        # 2 alert, 1 review, 0 nothing: each softening context takes one step off.
        level = 2 if cue.level == cue_table.ALERT else 1
        if cue.figurative and not reading.serious:
            if _TRIVIAL.search(sentence):
                continue
            if reading.joke:
                level -= 1
        if cue.past and reading.past and not reading.still_current:
            if reading.resolved:
                continue
            if _PAST.search(sentence, 0, match.start() - start):
                level -= 1
        if found.softened_by and found.softened_by.search(sentence):
            level = min(level, 1)
        if reading.taken_back and not cue.figurative:
            level = min(level, 1)
        if level == 1 and found.raised_by and found.raised_by.search(reading.normal):
            level = 2
        if level <= 0:
            reading.cancelled = True
            continue
        if level == 2:
            return cue_table.ALERT
        # A cue softened from alert (a joke, harm in the past) is a review that does not add up
        # with other hints.
        return cue_table.REVIEW if cue.level == cue_table.REVIEW else _SOFTENED
    return None


def _read_rules(
    text: object, source: str
) -> tuple[_Reading, dict[str, str], dict[str, list[str]]] | None:
    """The text's reading and what the rules alone found in it (None for an empty text)."""
    text = _as_text(text)
    if len(text) > MAX_CHARACTERS:
        text = text[:_HEAD] + "\n" + text[-_TAIL:]
    normal = normalise(text)
    if not normal:
        return None
    if source not in SOURCES:
        source = "child"
    rules = _rules()
    reading = _Reading(normal, source)
    alerts: dict[str, str] = {}
    reviews: dict[str, list[str]] = {}
    softened: list[str] = []
    cues = rules.cues
    words = reading.words
    # The alternatives' gates hold only where "£" cannot join a word to a number.
    sharp = "£" not in normal
    for index in (rules.alternatives if sharp else rules.gates).may_match(words, normal):
        found = cues[index]
        # The cue's own gate as well, so the cues judged are exactly those its gate lets
        # through, as before the alternatives were indexed (a cue the alternatives' stricter
        # gates leave out cannot match, so `_judge_cue` would find nothing in it).
        if (
            sharp
            and found.branches is not None
            and not (found.gate is None or found.gate.may_match(words, normal))
        ):
            continue
        level = _judge_cue(found, reading, rules)
        reading.any_cancelled |= reading.cancelled
        reading.cancelled = False
        if level == cue_table.ALERT:
            alerts.setdefault(found.cue.reason, found.cue.category)
        elif level == cue_table.REVIEW:
            reviews.setdefault(found.cue.category, []).append(found.cue.reason)
        elif level == _SOFTENED:
            softened.append(found.cue.reason)
    _weigh_signs(reading, rules, alerts, reviews)
    _age_gap(reading, alerts)
    # Two different hints of the same harm together are more than a hint (two cues giving the
    # same reason are one hint seen twice).
    for category, reasons in reviews.items():
        if len(set(reasons)) >= 2 and category not in alerts.values():
            alerts.setdefault(reasons[0], category)
    if softened:
        reviews.setdefault("softened", []).extend(softened)
    return reading, alerts, reviews


class Trust(StrEnum):
    """Whether the learned model may raise a text the rules have read."""

    # The rules cancelled nothing: the model may raise the text to review or alert.
    FULL = "full"
    # The rules read harm words as a joke, as over, as play or as training talk: the model must
    # not overrule that reading, so it is not asked.
    NEVER = "never"


def decide(
    rules: Level, trust: Trust, probability: float, review_at: float, alert_at: float
) -> Level:
    """The screen's level from the rules' level and the learned model's probability."""
    if rules == Level.ALERT or trust == Trust.NEVER:
        return rules
    if probability >= alert_at:
        return Level.ALERT
    if rules == Level.REVIEW or probability >= review_at:
        return Level.REVIEW
    return Level.NONE


def rules_verdict(text: str, source: str = "child") -> tuple[Level, Trust]:
    """What the rules alone ask for, and whether the learned model may raise the text.

    Training uses this to choose the model's thresholds by how the whole screen would treat
    texts the model was not trained on.
    """
    read = _read_rules(text, source)
    if read is None:
        return Level.NONE, Trust.NEVER
    reading, alerts, reviews = read
    return _rules_level(alerts, reviews), _trust(reading)


def _rules_level(alerts: dict[str, str], reviews: dict[str, list[str]]) -> Level:
    return Level.ALERT if alerts else Level.REVIEW if reviews else Level.NONE


def screen(text: str, source: str = "child") -> Screening:
    """Screen one free-text answer; source is who wrote it (child, carer, practitioner...)."""
    read = _read_rules(text, source)
    if read is None:
        return _NONE
    reading, alerts, reviews = read
    if alerts:
        return Screening(Level.ALERT, _reasons(list(alerts), reading))
    rules = _rules_level(alerts, reviews)
    trust = _trust(reading)
    learned = model()
    probability = (
        0.0 if trust == Trust.NEVER else learned.probability(reading.normal, reading.source)
    )
    level = decide(rules, trust, probability, learned.review_at, learned.alert_at)
    reasons = _reasons([reason for found in reviews.values() for reason in found], reading)
    if level != rules:
        reasons = (*reasons, _LEARNED)
    return Screening(level, reasons) if level != Level.NONE else _NONE


_LEARNED = "worded like disclosures of harm (learned model)"


def _trust(reading: _Reading) -> Trust:
    """Whether the model may raise this text, given how the rules read it."""
    if (
        reading.any_cancelled
        or reading.professional
        or (reading.resolved and not reading.still_current)
    ):
        return Trust.NEVER
    return Trust.FULL


# Presents and money from family for an occasion or for chores are not signs of grooming.
_ORDINARY_GIFT = re.compile(
    r"\b(?:(?:from|off) (?:my |her |his )?(?:nan|nanny|grandma|gran|grandad|grandpa|mum|dad|"
    r"auntie|aunt|parents|foster (?:mum|dad|carers?)|carers?)|for (?:my|his|her|our) (?:birthday|"
    r"christmas|eid|diwali)|for christmas|parental controls|for doing (?:the )?(?:hoovering|"
    r"chores|washing up|dishes|jobs)|(?:my |her |his )?(?:nan|nanny|grandma|gran|grandad|grandpa|"
    r"mum|dad|auntie|parents) (?:gives|gave|bought|buys|got|get|gets))\b"
)
# A present that comes with drink, drugs or a secret is still a sign, whoever gives it.
_DRINK_OR_DRUGS = re.compile(
    r"\b(?:weed|vapes?|drink|vodka|alcohol|booze|cigs|drugs|pills|secrets?|dont tell|not to "
    r"tell|keep quiet|between us|our little)\b"
)


def _weigh_signs(
    reading: _Reading, rules: _Rules, alerts: dict[str, str], reviews: dict[str, list[str]]
) -> None:
    """Exploitation signs that add up: gifts, older friends, cash, new phones, going missing."""
    signs, normal = rules.signs, reading.normal
    weight = sum(
        signs[index][0]
        for index in rules.sign_gates.may_match(reading.words, normal)
        if signs[index][1].search(normal)
    )
    if (
        weight
        and _ORDINARY_GIFT.search(reading.normal)
        and not _DRINK_OR_DRUGS.search(reading.normal)
    ):
        weight -= 2.0
    if weight < 1 or reading.professional or (reading.resolved and not reading.still_current):
        return
    if weight >= 2:
        alerts.setdefault("signs of criminal or sexual exploitation", "exploitation")
    elif weight >= 1:
        reviews.setdefault("exploitation", []).append("possible grooming or exploitation signs")


def _age_gap(reading: _Reading, alerts: dict[str, str]) -> None:
    """A child with an adult boyfriend or an adult who wants to meet them."""
    normal = reading.normal
    if not _ADULT_AGE.search(normal) or not _RELATIONSHIP.search(normal):
        return
    if reading.source == "child" or _CHILD_AGE.search(normal):
        alerts.setdefault("a child with an adult partner or contact", "sexual")


def _reasons(reasons: list[str], reading: _Reading) -> tuple[str, ...]:
    """Reasons in order found, without repeats, with what makes the harm current."""
    ordered = list(dict.fromkeys(reasons))
    if reading.serious and any(reason.startswith("self-harm") for reason in ordered):
        ordered = [
            f"{reason}, said seriously" if reason.startswith("self-harm") else reason
            for reason in ordered
        ]
    if reading.past and reading.still_current:
        ordered.append("past harm that is still current")
    if _ANOTHER_CHILD.search(reading.normal):
        ordered.append("may concern another child")
    return tuple(ordered)
