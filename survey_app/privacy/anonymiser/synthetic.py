"""A synthetic labelled corpus for training the tagger: the issue's kinds of personal data, drawn
from the word lists and random parts, in many wordings, plus hard negatives.

Values come from the lists (any first name, surname, place), never from a labelled set, and each
kind is written in every case and shape a child or practitioner might use, so that the tagger
learns what surrounds personal data rather than the values themselves. Each text is written in
a voice (a child on a phone, a typed note, shouting, or as the template stands), and the values
mostly follow it. Seeded: the same seed gives the same corpus.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from .lexicon import ACRONYMS, DATA, ORGANISATIONS, PRODUCTS, fold, word_set

_SLOT = "{"
_NATURE = ["grove", "hill", "park", "field", "wood", "vale", "view", "meadow", "bank", "brook"]


@dataclass(frozen=True)
class Sample:
    text: str
    # (start, end, label) in code points.
    spans: tuple[tuple[int, int, str], ...]


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


class _Parts:
    """Random values of each kind."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.first = [n for n in _lines("first_names.txt") if n.isalpha() and len(n) > 2]
        self.celtic = _lines("names_celtic.txt") + _lines("names_extra.txt")
        self.surnames = [n for n in _lines("surnames.txt") if len(n) > 2]
        self.celtic_surnames = _lines("surnames_celtic.txt") + _lines("surnames_extra.txt")
        self.places = [p for p in _lines("places_gb.txt") if p[:1].isupper()]
        self.organisations = sorted(
            [w.title() for w in ORGANISATIONS | PRODUCTS if w.isalpha()]
            + [w.upper() for w in ACRONYMS | ORGANISATIONS if w.isalpha() and len(w) < 6]
        )
        common = set(_lines("english_common.txt"))
        self.plain_words = [w for w in sorted(common) if w.isalpha() and 3 < len(w) < 9]
        self.word_names = [
            "Hope",
            "Faith",
            "Grace",
            "Joy",
            "Will",
            "Mark",
            "Rose",
            "Sunny",
            "Storm",
            "Ivy",
            "Autumn",
            "Blessing",
            "Precious",
            "Summer",
            "Angel",
            "Patience",
            "Rocky",
            "Bob",
            "Frank",
            "Honey",
            "River",
            "Sky",
            "Jade",
            "Holly",
            "Amber",
            "Ruby",
            "Dawn",
            "Bill",
            "Penny",
            "Rich",
            "Jack",
            "Crystal",
            "Destiny",
            "Harmony",
            "Willow",
            "Poppy",
            "Daisy",
            "Ray",
            "Victor",
            "Faye",
            # issue 12: more names that are ordinary words, so that the context decides
            "Bob",
            "Pat",
            "Sue",
            "Don",
            "Guy",
            "Art",
            "Drew",
            "Chase",
            "Hunter",
            "Brook",
            "Heather",
            "Iris",
            "Pearl",
            "Violet",
            "Lily",
            "Mercy",
            "Charity",
            "Unity",
            "Eden",
            "Jay",
            "Gail",
            "Carol",
            "Sandy",
            "Rusty",
            "Peace",
            "Lucky",
            "Prince",
            "Princess",
            "Miracle",
            "Gift",
            "Favour",
            "Goodness",
            "Marvel",
            "Bliss",
            "Dean",
            "Robin",
            "Wren",
            "Hazel",
            "Ash",
            "Heath",
            "Cliff",
            "Glen",
            "Dale",
            "Sterling",
            "Major",
            "Earl",
            "Duke",
            "King",
            "Reed",
            "Rowan",
            "Sage",
            "Skye",
            "Star",
            "Tiger",
            "Chance",
            # months, virtues and nature words given as names: only the sentence says so
            "August",
            "April",
            "June",
            "Honor",
            "Honour",
            "Justice",
            "Royal",
            "Lyric",
            "Journey",
            "Ocean",
            "Sonny",
            "Bear",
            "Blue",
            "Raven",
            "Phoenix",
            "Indigo",
            "Hero",
            "Noble",
            "Sparrow",
            "Kit",
            "Nell",
            "Bea",
            "Jock",
            "Brandy",
            "Misty",
            "Clay",
            "Stone",
        ]
        # Short forms and nicknames a child uses for staff and friends ("gaz", "shaz", "Kez",
        # "Big Mike"): mostly words in no list, so only their place in the sentence counts.
        self.nick_endings = ["z", "zza", "o", "y", "ie", "s", "bo", "ster", "ers"]

    # The writer's voice ("low": a child on a phone, "title": a typed note, "up": shouting):
    # values mostly follow it, as they do in real answers.
    voice = ""

    def case(self, text: str, weights: tuple[int, int, int] = (45, 45, 10)) -> str:
        if self.voice and self.rng.random() < 0.7:
            return {"low": text.lower(), "up": text.upper()}.get(self.voice, text)
        roll = self.rng.randrange(sum(weights))
        if roll < weights[0]:
            return text.lower()
        if roll < weights[0] + weights[1]:
            return text
        return text.upper()

    def first_name(self) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            return self.rng.choice(self.celtic)
        if roll < 0.37:
            return self.rng.choice(self.word_names)
        name = self.rng.choice(self.first)
        if self.rng.random() < 0.04:
            name += "-" + self.rng.choice(self.first)
        return name

    def nickname(self) -> str:
        """A short form of a first name ("Gaz", "Shaz", "Jonno") or a nickname ("Big Mike")."""
        rng = self.rng
        name = rng.choice(self.first)
        roll = rng.random()
        if roll < 0.6:
            stem = name[: rng.choice([2, 3, 3, 4])].rstrip("aeiou") or name[:2]
            text = (stem + rng.choice(self.nick_endings)).title()
        elif roll < 0.8:
            text = rng.choice(["Big", "Little", "Lil"]) + " " + name
        else:
            text = name[: rng.choice([3, 4])]
        return self.case(text)

    def surname(self) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            return self.rng.choice(self.celtic_surnames)
        name = self.rng.choice(self.surnames)
        if roll < 0.32:
            name = self.rng.choice(["O'", "O’", "Mc", "Mac", "Fitz"]) + name.lower()
        elif roll < 0.36:
            name += "-" + self.rng.choice(self.surnames)
        return name

    def person(self) -> str:
        roll = self.rng.random()
        if roll < 0.42:
            return self.case(self.first_name())
        if roll < 0.72:
            return self.case(f"{self.first_name()} {self.surname()}")
        if roll < 0.80:
            return self.rng.choice(string.ascii_uppercase) + "."
        if roll < 0.85:
            return self.rng.choice(string.ascii_uppercase)
        if roll < 0.90:
            letters = self.rng.sample(string.ascii_uppercase, 2)
            joined = ".".join(letters)
            return self.rng.choice([joined + ".", joined, "".join(letters), "".join(letters)])
        if roll < 0.95:
            return f"{self.rng.choice(string.ascii_uppercase)}. {self.case(self.surname())}"
        return self.case(self.surname())

    def school(self) -> str:
        rng = self.rng
        kind = rng.choice(
            ["primary", "primary school", "high", "high school", "academy", "junior school",
             "infants", "nursery", "college", "sixth form", "CE primary", "RC primary",
             "community school", "juniors", "secondary", "grammar", "prep", "CP",
             # as written in a hurry or with a church school's letters (issue 12)
             "acadmey", "acadamy", "primery", "skool", "high skool", "hi", "C.I.W. Primary",
             "CiW primary", "VC primary", "C of E primary", "R.C. primary", "c of e", "catholic",
             "catholic primary", "church school", "free school", "studio school", "UTC"]
        )  # fmt: skip
        name = rng.choice(
            [
                lambda: rng.choice(self.places),
                lambda: rng.choice(self.surnames),
                lambda: f"{rng.choice(self.plain_words)} {rng.choice(_NATURE)}",
                lambda: rng.choice(self.plain_words),
            ]
        )()
        saint = rng.choice(
            [
                "Mary",
                "Marys",
                "John",
                "Peter",
                "Paul",
                "Joseph",
                "Andrew",
                "David",
                "Patrick",
                "Bede",
                "Edmund",
                "Anne",
                "Teresa",
                "Michael",
                "George",
                "Thomas",
                "Luke",
                "Mark",
                "Bernadette",
                "Aidan",
                "Cuthbert",
                "Hilda",
                "Chad",
                "Dunstan",
                "Francis",
                "Dewi",
                "Illtyd",
                "Columba",
                "Brigid",
                "Ninian",
                "Alban",
                "Clement",
                "Felix",
            ]
        )
        roll = rng.random()
        if roll < 0.35:
            text = f"{name} {kind}"
        elif roll < 0.50:
            text = rng.choice([f"St {saint}'s", f"st {saint}s", f"Saint {saint}'s", f"St. {saint}"])
            if rng.random() < 0.6:
                text += " " + kind
        elif roll < 0.58:
            text = f"{saint}'s" if rng.random() < 0.5 else f"{saint}s"
        elif roll < 0.68:
            text = "".join(rng.sample(string.ascii_uppercase, rng.choice([2, 3, 3, 4])))
        elif roll < 0.76:
            text = rng.choice(["Ysgol ", "ysgol ", "Ysgol Gymraeg ", "Coleg ", "Gaelscoil "]) + (
                rng.choice(self.places)
            )
        elif roll < 0.82:
            text = f"Holy {rng.choice(['Trinity', 'Cross', 'Family', 'Rood'])} {kind}"
        else:  # the bare name a child calls their school
            text = rng.choice(self.places) if rng.random() < 0.5 else rng.choice(self.surnames)
        return self.case(text, (40, 50, 10))

    def address(self) -> str:
        rng = self.rng
        number = str(rng.randint(1, 220)) + (rng.choice("ab") if rng.random() < 0.08 else "")
        if rng.random() < 0.12:
            number = rng.choice(["no.", "no ", "No. ", "number ", "num "]) + number
        name = rng.choice([rng.choice(self.surnames), rng.choice(self.plain_words).title(),
                           rng.choice(self.places)])  # fmt: skip
        street = rng.choice(
            [
                "Road",
                "Street",
                "Lane",
                "Avenue",
                "Close",
                "Drive",
                "Way",
                "Walk",
                "Crescent",
                "Terrace",
                "Gardens",
                "Grove",
                "Court",
                "Place",
                "Rise",
                "View",
                "Mews",
                "Rd",
                "St",
                "Ave",
                "Cl",
                "Dr",
                "ct",
                "rd",
                "cres",
                "gdns",
                "tce",
            ]
        )
        welsh = rng.choice(["Ffordd", "Stryd", "Lôn", "Lon", "Heol", "Maes", "Rhodfa", "Cilgant",
                            "Teras", "Clos", "Llys", "Parc", "Plas", "Cae"])  # fmt: skip
        house = rng.choice(
            ["Tŷ Gwyn", "Ty Coch", "Bryn Awel", "Rose Cottage", "The Old Forge", "Hafod",
             "Glan yr Afon", "Ivy House", "Pen y Bryn", "Maes y Coed", "The Laurels",
             "Orchard View", "Bwthyn Bach", "Y Bwthyn", f"{name} Farm", f"{name} Cottage",
             "Rhosyn", "Awelon", "Cartref", "Bron Haul", "Meadow Cottage", "Willow Barn"]
        )  # fmt: skip
        roll = rng.random()
        if roll < 0.35:
            text = f"{number} {name} {street}"
        elif roll < 0.45:
            text = f"{name} {street}"
        elif roll < 0.60:
            text = f"{number} {welsh} {name}" if rng.random() < 0.6 else f"{welsh} {name}"
        elif roll < 0.72:
            text = f"{house}, {number} {name} {street}" if rng.random() < 0.5 else house
            if rng.random() < 0.3:
                text = f"{house}, {welsh} {name}"
        elif roll < 0.82:
            text = f"flat {rng.randint(1, 40)}, {name} {rng.choice(['House', 'Court', 'Tower'])}"
        elif roll < 0.90:
            text = f"{name} estate"
        else:
            text = f"flat {rng.randint(1, 40)} {number} {name} {street}"
        return self.case(text, (40, 55, 5))

    def date_of_birth(self) -> str:
        rng = self.rng
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2004, 2022)
        months = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
        month_name = months[month - 1]
        if rng.random() < 0.3:
            month_name = month_name[:3]
        month_name = self.case(month_name, (60, 40, 0))
        short = f"{year % 100:02d}"
        suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(day, "th")
        return rng.choice(
            [
                f"{day}/{month}/{short}",
                f"{day:02d}/{month:02d}/{year}",
                f"{day}/{month}/{year}",
                f"{day:02d}/{month:02d}/{short}",
                f"{day}.{month}.{short}",
                f"{day:02d}.{month:02d}.{year}",
                f"{day}-{month}-{year}",
                f"{day}{suffix} {month_name} {year}",
                f"{day} {month_name} {year}",
                f"{day}{suffix} of {month_name} {year}",
                f"{month_name} {day}{suffix} {year}",
                f"{month_name} {day}, {year}",
                f"{year}-{month:02d}-{day:02d}",
                *_more_birth_date_layouts(day, month, year, suffix),
            ]
        )

    def identifier(self) -> tuple[str, str]:
        """An identifier and the words that introduce it."""
        rng = self.rng
        digits = "".join(rng.choice(string.digits) for _ in range(12))
        letters = "ABCEGHJKLMNPRSTWXYZ"
        roll = rng.random()
        if roll < 0.3:
            nhs = "9" + digits[:9]
            text = rng.choice(
                [f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}", nhs, f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}"]
            )
            cue = rng.choice(
                ["NHS no", "nhs number", "NHS No.", "nhs num", "NHS number is", "nhs #"]
            )
        elif roll < 0.5:
            pair = rng.choice(letters) + rng.choice(letters)
            text = rng.choice(
                [f"{pair} {digits[:2]} {digits[2:4]} {digits[4:6]} {rng.choice('ABCD')}",
                 f"{pair}{digits[:6]}{rng.choice('ABCD')}"]
            )  # fmt: skip
            text = self.case(text, (30, 70, 0))
            cue = rng.choice(["NI number", "ni no", "national insurance", "NINO", "NI No:"])
        elif roll < 0.65:
            text = rng.choice(letters) + digits
            cue = rng.choice(["UPN", "upn", "pupil number", "UPN:"])
        else:
            text = rng.choice(
                [f"CP-{rng.randint(2019, 2026)}-{digits[:5]}", digits[: rng.randint(6, 8)],
                 f"{rng.choice(['C', 'CR', 'COMP', 'REF', 'FB'])}{digits[: rng.randint(5, 7)]}",
                 f"{rng.choice(['COMP', 'CP', 'CIN', 'LAC'])}/{rng.randint(19, 26)}/{digits[:4]}"]
            )  # fmt: skip
            cue = rng.choice(
                ["case ref", "ref", "reference", "Mosaic", "mosaic id", "complaint ref",
                 "case number", "our ref", "ref no", "ID", "reference number"]
            )  # fmt: skip
        if rng.random() < 0.25:
            text, cue = _more_identifier_shapes(rng, digits)
        return text, cue

    def postcode(self) -> str:
        rng = self.rng
        area = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.choice([1, 2, 2])))
        outward = area + str(rng.randint(1, 29))
        if rng.random() < 0.1:
            outward += rng.choice("ABEHMNPRVWXY")
        inward = str(rng.randint(0, 9)) + "".join(
            rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2)
        )
        text = rng.choice(
            [f"{outward} {inward}", f"{outward}{inward}", f"{outward}  {inward}",
             f"{outward}-{inward}", f"{outward}   {inward}"]
        )  # fmt: skip
        return self.case(text, (30, 70, 0))

    def phone(self) -> str:
        rng = self.rng
        n = f"{rng.randint(0, 999):03d}"
        return rng.choice(
            [f"07700 900{n}", f"07700900{n}", f"077 009 00 {n}", f"+44 7700 900{n}",
             f"+447700900{n}", f"(0191) 498 0{n}", f"0191 498 0{n}", f"020 7946 0{n}",
             f"0113 496 0{n}", f"01632 960{n}", f"07700-900-{n}", f"0161 496 0{n}",
             *_more_phone_layouts(n)]
        )  # fmt: skip


def _more_phone_layouts(n: str) -> list[str]:
    """Layouts of the same fictional numbers that people also type: dots, 0044, (0), 3-3-4."""
    return [f"07700.900.{n}", f"+44 (0)7700 900{n}", f"0044 7700 900{n}", f"0770 090 0{n}",
            f"07700 900 {n}", f"(01632) 960{n}", f"0808 157 0{n}", f"0300 123 0{n}"]  # fmt: skip


def _more_identifier_shapes(rng: random.Random, digits: str) -> tuple[str, str]:
    """Identifiers typed loosely: NHS numbers with dots, NI numbers without their last letter,
    council codes before a case number."""
    code = rng.choice(["CIN", "CP", "LAC", "EH", "COMP", "MASH"])
    return rng.choice(
        [(f"9{digits[:2]}.{digits[2:5]}.{digits[5:9]}", "nhs number"),
         (f"{rng.choice(['AB', 'JR', 'NH', 'ab'])}{digits[:6]}", "ni"),
         (f"{code} {digits[: rng.randint(4, 6)]}", rng.choice(["under", "ref", "case"])),
         (f"{code}{digits[:5]}", "ref")]
    )  # fmt: skip


def _more_birth_date_layouts(day: int, month: int, year: int, suffix: str) -> list[str]:
    """Birth dates with spaces for separators or the month as an ordinal too."""
    short = f"{year % 100:02d}"
    month_suffix = {1: "st", 2: "nd", 3: "rd"}.get(month, "th")
    return [f"{day:02d} {month:02d} {short}", f"{day:02d}-{month:02d}-{short}",
            f"{day}{suffix} of the {month}{month_suffix} {year}"]  # fmt: skip


# Templates: {P} person, {F} first name, {N} surname, {S} school, {A} address, {D} date of birth,
# {I} identifier with its cue, {C} postcode, {T} phone, {L} town. "[...]" is a person's relation.
_TEMPLATES = [
    "{P} said it was ok", "me and {P} went", "{P} was there", "{P} told me what would happen",
    "i asked {P} about it", "my social worker {P} explained it", "{P} explained stuff before",
    "miss {N} was nice", "mr {N} listened to me", "Mrs {N} came to the meeting",
    "thanks to {P} and {P}", "{P}, {P} and {P} came", "i want to talk to {P}",
    "{P}'s mum was there", "the {N} family were upset", "my brother {P} is 9",
    "my little sister {P} (6) was scared", "{P} is my key worker", "{P} from school came",
    "i didnt like {P}", "{P} never listens", "ask {P}", "{P} helped me", "{P} shouted at me",
    "tell {P} i said hi", "{P} and me played", "me n {P} r best mates", "with {P}",
    "Name: {P}", "child: {P}", "{P} sw", "the chair {P} was kind", "{P} rang my mum",
    "we did an activity, {P} led it", "facilitator {P} noted", "{P} (14) said nothing",
    "{P} didnt want to talk", "i think {P} is fair", "{P} came round on tuesday",
    "it was {P} who told the police", "my foster carer {P} helps", "nan and {P} came",
    "{P} said sorry", "{P} was really kind to me", "i like it when {P} visits",
    "{P}!!! best social worker", "{P} was late again", "{P} wrote it down",
    "{P} said i can see my dad", "speak to {P} not {P}", "{P} doesnt listen to me",
    "i go to {S}", "she goes to {S}", "he's at {S} now", "moved from {S} to {S}",
    "{S} rang my mum", "i hate {S}", "the teachers at {S} are ok", "my school is {S}",
    "school: {S}", "DSL at {S} attended", "{S} sent a report", "he was excluded from {S}",
    "she started at {S} in september", "{P} goes to {S}", "at {S} they help me",
    "{S} said they will support", "we left {S} last year", "i want to go to {S}",
    "i live at {A}", "we moved to {A}", "address: {A}", "{A} is where my dad lives",
    "they live on {A}", "mum's house is {A}", "we stay at {A} now", "at {A}, {L}",
    "{A}, {L} {C}", "send it to {A} {C}", "new address {A}", "he lives {A}",
    "my nan lives at {A} in {L}", "visit at {A}", "home is {A}",
    "born {D}", "dob {D}", "DOB: {D}", "my birthday is {D}", "i was born on {D}",
    "{P} {D}", "{P} ({D})", "{P} d.o.b {D}", "child {P}, {D}", "{P} is 12, {D}",
    "date of birth {D}", "bday {D}", "{P} born on {D}", "my dob is {D}", "she was born {D}",
    "he is {D}", "age 9 ({D})", "{P} b. {D}", "twins {P} and {P} {D}", "baby due, sibling {D}",
    "{P} - {D} - {S}", "{I}", "my {I}", "{P} {I}", "please quote {I}", "{I} for {P}",
    "call me on {T}", "my number is {T}", "ring {T}", "{P} {T}", "text me {T} pls",
    "postcode {C}", "we live in {C}", "{C}", "near {L}, {C}", "im from {L}",
    "we went to {L}", "the {L} team were good", "moved to {L} last year",
    # issue 12: names in the places unseen answers put them, in every voice
    "{P} from the youth club came and sat with me", "can {P} come next time",
    "thank you to {P} the chair", "{P} and {P} are twins in my foster house",
    "{P} sat next to me", "{P} the chair guy was alright", "{P} from my class saw me",
    "{P} from the health visiting team asked for the slides", "my sw is called {P}? no {N}",
    "{F} {N} was there", "asked {P} about it", "{P} said", "{P} told me", "{P} was there too",
    "i hope {P} comes back", "i will ask {P}", "{P} will be there", "support for {P} in the team",
    "{P} is the best we have", "MY SOCIAL WORKER IS {P}", "my social worker is {P} and she is good",
    "miss {N}", "mr {N} said", "sir {N}", "{P} says hi", "{P} came with me", "{P} was kind",
    "i trust {P}", "{P} knows me", "{P} never came", "me n {P}", "{P} n me", "{P} nd me",
    "{P} picked me up", "i told {P}", "{P} rang", "{P} rang me", "{P} texted me",
    "it was {P}", "except {P}", "only {P} listened", "{P} my sw", "{P} my worker",
    "my keyworker {P}",
    "Discussed with {P} (SW).", "{P} attended.", "Present: {P}, {P}, {P}.", "Chair: {P}.",
    "Spoke to {P} by phone.", "{P} advised that", "{P} to follow up.", "Action: {P} to ring mum.",
    "Observed by {P}.", "Feedback from {P}:", "{P}'s view was", "per {P}", "cc {P}",
    "P1 ({P}) said", "young person {P} said", "YP {P} shared", "Parent {P} felt",
    "I am writing about {P}", "{P} was rude to me", "I complained to {P}", "{P} ignored my emails",
    "The worker, {P}, never called back", "my son {P}", "my daughter {P}", "our foster child {P}",
    "{P}, the team manager, said", "manager {P} promised", "I spoke to {P} and {P}",
    "{P} goes to {S}", "{P} is in year 6 at {S}", "{S} year 9", "at {S} i get bullied",
    "my school {S} is ok", "{S} is rubbish", "i go {S}", "im at {S} in year 10", "i go {S} now",
    "left {S}", "in {S}", "{S} teachers", "head of year at {S}", "{P} from {S}",
    "i live at {A} but dont write to me there", "my address is {A}", "{A} {C}", "at {A} {C}",
    "moved to {A} with nan", "staying at {A}", "placement at {A}", "we live {A}",
]  # fmt: skip
# Names where unseen answers put them: first in the answer with a possessive (with or without
# its apostrophe), after a family word or a role's letters, in lists with "me", as nicknames, and
# as the writer of a note (issue 12, blind misses by kind). Drawn with the others: giving them a
# share of their own (0.2) scored lower on the held-out sets.
_UNSEEN_PEOPLE = [
    "{F}'s team were kind to me", "{F}'s group was the best bit", "{F}s dad is my carer",
    "{F}s mum picks me up", "{P}'s office was cold", "{F}s house is where i go after school",
    "{P}'s the best", "{F}'s on shift tonight", "when {F} is on shift we get pizza",
    "{F} was in charge and she was fair", "{F} was on duty", "{F} is on nights this week",
    "nan {F} came", "my nan {F} takes me to church", "grandad {F} takes me fishing",
    "auntie {F} has me at weekends", "uncle {F} wants me to live with him", "my granny {F}",
    "my sw {P} is the only one who texts back", "my IRO {P} chaired it", "my iro {F} was ok",
    "the IRO, {P}, asked me first", "my PA {P} helps with money", "my LAC nurse {F} was nice",
    "my CAMHS worker {F} listens", "my advocate {P} came", "my mentor {F} is helping me",
    "me, {F} and {F} went", "me {F} and {F} are in the same class", "{F} {F} and me",
    "{F}, {F}, {F} and me", "me and {F} and {F}", "{F} and {F} are my cousins",
    "{K} from the hostel said he would sort it", "{K} is my best mate at the home",
    "{K} said", "i like it when {K} is on shift", "{K} drove us", "me n {K}",
    "the new teacher mr {N} is strict", "{N} the head of year sorted it",
    "mrs {N} our SENCo came in", "the man from the council mr {N} was ok", "ms {N} summarised",
    "miss {N} was ok but she kept looking at her phone", "i told my teacher miss {N}",
    "Dr {N} said", "the chair was called {P} i think", "i think {F} forgot about me",
    "{F} helped me write what i wanted to say", "{F} came with me to the meeting",
    "{F} asked me what i wanted for tea", "we had {P} as the interpreter",
    "could {F} please come to the next one?", "i only trust {F}", "dont tell {F} i said this",
    "{F} wasn't at the meeting which was annoying", "{F} had to leave early",
    "Thanks go to {P} for organising it.", "My thanks to {P} for the patience.",
    "{P} attended on behalf of the school.", "Support from {P} has been excellent.",
    "It was nice of {F} to come.", "I had a good chat with {F}.", "Had a chat with {F} after",
    "{P} (social worker) attended", "{P} (SW), {P} (IRO) and {P} (carer) present",
    "pls can i have {F} back as my worker", "i want {F} to stay", "i miss {F}",
    "i dont want {F} there", "{F} keeps telling people my business", "sorry but {F} never listens",
    "when {F} left i had to start again", "{F}?? shes new but nice", "thank u {F}",
    "{F} the driver was nice to me", "{F} the cook makes the best pasta", "{F} the cleaner",
    "{F} the night staff let us stay up", "{F} the receptionist was rude", "{P} the student sw",
    "{F} the interpreter was really good", "{F}s car smells of dogs", "{F}s office",
    "i stayed at {F}s on saturday", "me n {F}s brother", "{F} my carer is the best cook",
]  # fmt: skip
_ALL_TEMPLATES = [*_TEMPLATES, *_UNSEEN_PEOPLE]
# Text without personal data that looks like it: words that are also names, dates that are not
# birth dates, numbers, grades, roles, saints' days and Welsh words.
_NEGATIVES = [
    "i hope it gets better", "i will try", "by the grace of god", "mark my words", "the joy of it",
    "we had a rose in the garden", "it was sunny", "there was a storm", "in autumn",
    "have patience", "summer holidays", "my mum will be there", "frank conversation",
    "to be frank it was long", "they marked it down", "a blessing really", "precious time",
    "in august we went away", "last june", "april fools", "honor and respect", "to honour it",
    "justice for us", "the ocean", "a bear hug", "blue room", "feeling blue", "the phoenix centre",
    "my hero", "little by little", "the big one", "big meeting", "uncle and auntie came",
    "my nan and grandad", "the team were kind", "the hostel staff", "on shift tonight",
    "the teacher was strict", "head of year", "mr and mrs", "my auntie", "the interpreter",
    "the driver was nice", "the cook makes pasta", "the night staff", "the receptionist",
    "bills to pay", "my mates house", "at my dads", "my nans on saturday", "the kids room",
    "conference on {d}", "meeting was on {d}", "review due {d}", "letter dated {d}",
    "reports shared on {d}", "next meeting {d}", "since {y}", "not {y}", "in {y} i moved",
    "year 7", "year 10 was hard", "i got a C.", "option A.", "plan B", "1. be on time",
    "2. listen more", "rated it 8/10", "scored 4 out of 5", "about 3 weeks", "£20",
    "the IRO was fine", "the Chair explained", "my SENCo helped", "team manager", "CAMHS",
    "Family Hub", "NSPCC", "Childline", "Norfolk County Council", "on Monday", "at Christmas",
    "St David's Day", "saint patricks day", "ysgol means school", "ffordd means way",
    "the school was ok", "college is fine", "the unit", "my old primary", "the high school",
    "Mum and Nan came", "my step-dad", "the social worker", "my sw", "i like my foster carer",
    "Xbox", "on Teams", "in the Mentimeter", "I felt listened to", "It Was Good",
    "Thank You For Listening", "THE MEETING WAS TOO LONG", "Polish", "the UK",
    "room 4", "page 12", "chapter 3", "bus 42", "3 hours", "7pm", "10:30", "half 3",
    "number 1 thing", "A+", "GCSE", "age 12", "12 years old", "im 9", "aged 14",
    "Bright Horizons", "Sure Start", "Hope, Faith and Charity rooms",
    # the same words, capitalised at the start of a sentence or as a thing's name
    "Hope is all I have left", "Hope you are well", "Grace and patience are needed",
    "Will it change?", "Mark it down", "Summer was better", "Storm in a teacup",
    "Sunny days", "Joy all round", "Faith in the system", "Patience is key", "Angel delight",
    "Angel cake was nice", "Penny for my thoughts", "Frank and honest", "Jade earrings",
    "Ruby red", "Amber warning", "Holly and ivy at Christmas", "Crystal clear",
    "Daisy chains", "Honey on toast", "River walk", "Sky TV", "Harmony in the room",
    "Willow tree", "Poppy appeal", "Ray of sunshine", "Bill for the taxi", "Rich people",
    "Jack of all trades", "Rocky road", "Dawn till dusk", "Destiny on the xbox",
    "rooms named Oak, Ash and Willow", "groups called Robin, Wren and Swift",
    "May half term", "Reading was hard", "Victory for us", "Precious little time",
    "Blessing in disguise", "Autumn term", "Ivy on the wall", "Rose gold phone",
    "summer came early", "hope so", "will do", "grace period", "mark out of ten",
    # organisations, shops and services where a school or a person could stand
    "i go to {O} after school", "we went to {O}", "from {O}", "the worker from {O}",
    "{O} said they would ring", "at {O} on saturday", "{O} were helpful", "a letter from {O}",
    "Dr {N} from {O} said", "i go to {r} after school", "we stay at {r} at weekends",
    "i go to {V} with my dad", "we went to {V} after", "at {V} on friday", "{V} after school",
    "i like going to {V}", "mum takes me to {V}",
    # letters, numbers and dates that are not personal data
    "{x} {X}. was cold", "it said {x} {X}. on the sheet", "my score is {n}", "level {n} done",
    "the codes were {n}", "born {D}, moved here in {e}", "{P} born {D}, adopted in {e}",
    "moved in {e}", "since {e}", "started in {e}", "Tues-Thurs", "Mon-Fri 9-5",
    # issue 12: the ordinary words that are also names, used as words, in lower case too
    "i was going to jack it in", "jack it in", "she held my hand", "will someone get back to me",
    "Will someone get back to him?", "will they ring", "i will", "who will", "it will be ok",
    "i hope so", "hope it helps", "i hope they listen", "have faith", "by gods grace",
    "the bill came", "pay the bill", "mark my work", "they mark it", "a red mark",
    "the sky was grey", "watch sky", "rose up", "a rose", "it rose", "the sun rose",
    "chase me", "a car chase", "heather on the hills", "pearl earrings", "violet colour",
    "the king", "prince of egypt", "lucky me", "i was lucky", "peace and quiet", "a gift card",
    "in my favour", "oh my goodness", "marvel films", "a robin in the garden", "ash tree",
    "the heath", "a cliff", "the glen", "hill and dale", "major problem", "star of the week",
    "tiger king", "no chance", "a wren", "sage green", "the reed beds", "grace and courtesy",
    "dean of the college", "rusty bike", "sandy beach", "a miracle", "charity shop", "unity day",
    "garden of eden", "pat on the back", "sue them", "don a coat", "art class", "a guy at school",
    "drew a picture", "i drew it", "brook near the park", "amber light", "jade plant",
    "Robin, Wren and Swift groups", "the Sky box", "Crimewatch on tv", "Santa came", "the Dean",
    # a lettered thing before words a name could take ("vitamin D. the doctor said")
    "she needs {x} {X}. the doctor said", "{x} {X}. said the teacher", "take {x} {X}. she told me",
    "we were in {x} {X}. and he was there", "{x} {X}. was there", "{x} {X} told me",
    # talk of a kind of school, not a school's name
    "the {g} {k} is shut", "the {g} {k} was ok", "i went to the {g} {k}", "a {g} {k}",
    "at the {g} {k} they help", "my {g} {k}", "the {g} {k} said no", "moved to a {g} {k}",
]  # fmt: skip
# Words that say what kind of school, not which ("the play park nursery", "a special school").
_GENERIC = [
    "local", "new", "old", "big", "little", "village", "play park", "council", "private",
    "special", "nearest", "other", "welsh", "boys", "girls", "day", "after school", "holiday",
    "work", "baby", "forest", "hospital", "sunday", "summer", "small", "good", "bad", "same",
]  # fmt: skip
_KINDS = [
    "nursery", "primary", "school", "high school", "academy", "college", "secondary", "juniors",
    "infants", "unit", "club", "sixth form", "primary school", "prep",
]  # fmt: skip


_VENUES = [
    "nandos",
    "maccies",
    "wetherspoons",
    "pizza hut",
    "the gym",
    "cadets",
    "scouts",
    "brownies",
    "youth club",
    "the park",
    "football",
    "swimming",
    "church",
    "mosque",
    "the shops",
    "town",
    "the cinema",
    "bowling",
    "the library",
    "boxing",
    "dance",
    "karate",
    "my mates",
    "the beach",
]
# Things a letter labels: "room F.", "vitamin D.", "plan B".
_LETTERED = [
    "vitamin",
    "room",
    "block",
    "grade",
    "plan",
    "option",
    "part",
    "wing",
    "ward",
    "zone",
    "group",
    "table",
    "question",
]


def _event(rng: random.Random) -> str:
    """A month and year that is not a birth date ("adopted in may 2014")."""
    month = rng.choice(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september"]
    )
    return f"{rng.choice([month, month.title(), month[:3]])} {rng.randint(2005, 2026)}"


def _date(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2019, 2026)
    return rng.choice(
        [f"{day}/{month}/{year % 100:02d}", f"{day:02d}/{month:02d}/{year}", f"{day}th june",
         f"{day}.{month}.{year}", f"{day} March {year}"]
    )  # fmt: skip


def _render(template: str, parts: _Parts, filler: Callable[[], str]) -> Sample:
    rng = parts.rng
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    position = 0
    index = 0
    while index < len(template):
        char = template[index]
        if char == _SLOT and template.index("}", index) - index <= 2:
            close = template.index("}", index)
            slot = template[index + 1 : close]
            index = close + 1
            label = ""
            if slot == "P":
                value, label = parts.person(), "PERSON"
            elif slot == "F":
                value, label = parts.case(parts.first_name()), "PERSON"
            elif slot == "K":
                value, label = parts.nickname(), "PERSON"
            elif slot == "N":
                value, label = parts.case(parts.surname(), (40, 55, 5)), "PERSON"
            elif slot == "S":
                value, label = parts.school(), "SCHOOL"
            elif slot == "A":
                value, label = parts.address(), "ADDRESS"
            elif slot == "D":
                value, label = parts.date_of_birth(), "DATE_OF_BIRTH"
            elif slot == "I":
                number, cue = parts.identifier()
                lead = cue + rng.choice([" ", ": ", " - ", " is "])
                out.append(lead)
                position += len(lead)
                value, label = number, "ID"
            elif slot == "C":
                value, label = parts.postcode(), "POSTCODE"
            elif slot == "T":
                value, label = parts.phone(), "PHONE"
            elif slot == "L":
                value, label = rng.choice(parts.places), "LOCATION"
            elif slot == "d":
                value = _date(rng)
            elif slot == "y":
                value = str(rng.randint(2005, 2026))
            elif slot == "O":
                value = rng.choice(parts.organisations)
            elif slot == "r":  # a relation's or friend's home: "kaydens", "my nans"
                value = parts.case(parts.rng.choice(["my nans", "dads", "my mates", "grandads"]))
            elif slot == "V":  # places children go that are not schools
                value = parts.case(rng.choice(_VENUES))
            elif slot == "x":
                value = rng.choice(_LETTERED)
            elif slot == "X":
                value = rng.choice(string.ascii_uppercase)
            elif slot == "n":
                value = " ".join(str(rng.randint(1, 99)) for _ in range(rng.randint(2, 4)))
            elif slot == "e":
                value = _event(rng)
            elif slot == "g":
                value = rng.choice(_GENERIC)
            elif slot == "k":
                value = rng.choice(_KINDS)
            else:
                value = slot
            out.append(value)
            if label:
                spans.append((position, position + len(value), label))
            position += len(value)
        else:
            out.append(char)
            position += 1
            index += 1
    text = "".join(out)
    if rng.random() < 0.5:
        before = filler()
        if before:
            joiner = rng.choice([". ", " ", ", ", "\n", " - ", " and "])
            shift = len(before) + len(joiner)
            text = before + joiner + text
            spans = [(start + shift, end + shift, label) for start, end, label in spans]
    if rng.random() < 0.3:
        text += rng.choice([".", "!", " lol", " 😭", "..", " x", " tbh", ". " + filler()])
    if rng.random() < 0.04:
        text = text.upper()
    return Sample(text, tuple(spans))


_SLOT_PATTERN = re.compile(r"(\{[^{}]{1,2}\})")
_TEXT_SPEAK = {
    "you": "u", "are": "r", "and": "n", "because": "cos", "please": "pls", "okay": "ok",
    "to": "2", "for": "4", "know": "no", "really": "rly", "don't": "dont", "i'm": "im",
    "with": "wiv", "the": "da", "what": "wot", "thanks": "thx", "going": "goin",
}  # fmt: skip


def _voiced(template: str, parts: _Parts, negative: bool = False) -> str:
    """The template's own words in a writer's voice (values are cased by parts.voice): a child
    on a phone (lower case, text speak, no punctuation), a typed note (a capital and a full
    stop), shouting, or as written."""
    rng = parts.rng
    roll = rng.random()
    voice = "low" if roll < 0.35 else "title" if roll < 0.6 else "up" if roll < 0.65 else ""
    parts.voice = voice
    if not voice:
        return template
    pieces = _SLOT_PATTERN.split(template)
    # A hard negative keeps its words and stops: they are what makes it one ("vitamin D.").
    speak = voice == "low" and not negative and rng.random() < 0.5
    bare = voice == "low" and not negative and rng.random() < 0.5
    for index in range(0, len(pieces), 2):  # the even pieces are text, the odd ones slots
        piece = pieces[index]
        if voice == "up":
            piece = piece.upper()
        elif voice == "low":
            piece = piece.lower()
            if speak:
                piece = " ".join(
                    _TEXT_SPEAK.get(word, word) if rng.random() < 0.6 else word
                    for word in piece.split(" ")
                )
            if bare:
                piece = re.sub(r"[.,!?;:'’()]", "", piece)
        pieces[index] = piece
    text = "".join(pieces)
    if voice == "title" and text[:1].islower():
        text = text[0].upper() + text[1:]
    if voice == "title" and text[-1:] not in ".!?:":
        text += "."
    return text


# Words of the languages families in the UK also answer in (French, Spanish, Portuguese,
# Italian, Welsh, Romanian, Polish): a sentence of them has no names, though its first word has
# a capital and the rest are in no English list ("Tu as dit que personne ...").
_FOREIGN_WORDS = sorted(
    word_set(
        "je tu il elle nous vous ils on la le les un une des du de et est sont pas ne avec pour "
        "dans sur mais donc très bien merci pourquoi parce qui quand aussi toujours jamais "
        "yo que por qué para con una los las el es está muy gracias pero cuando siempre nunca "
        "você não obrigado muito uma foi porque quando sempre nunca também eu ele ela "
        "io sono perché grazie della molto sempre quando anche "
        "mae yn ar i chi ni nhw roedd oedd wedi ddim diolch pam pryd hefyd bob amser "
        "eu nu da mulțumesc pentru când foarte este și "
        "nie tak jest dla się bardzo dziękuję kiedy zawsze nigdy też"
    )
)
# Of the corpus's texts without personal data, the share that are such sentences.
_FOREIGN_SHARE = 0.1


def _foreign_sentence(rng: random.Random, words: list[str]) -> str:
    """A sentence of words from other languages, capitalised as written."""
    chosen = [rng.choice(words) for _ in range(rng.randint(4, 12))]
    text = " ".join(chosen)
    if rng.random() < 0.7:
        text = text[0].upper() + text[1:] + rng.choice([".", "?", "!", ""])
    return text


def corpus(count: int, seed: int = 12, fillers: list[str] | None = None) -> list[Sample]:
    """count synthetic samples: about a fifth of them without personal data."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    parts = _Parts(rng)
    pool = fillers or [""]

    plain_negatives = [negative for negative in _NEGATIVES if _SLOT not in negative]
    foreign = [*_FOREIGN_WORDS, *(w for w in _lines("foreign_common.txt") if w.isalpha())]

    def filler() -> str:
        return rng.choice(pool) if rng.random() < 0.7 else rng.choice(plain_negatives)

    samples = []
    for _ in range(count):
        negative = rng.random() < 0.2
        template = rng.choice(_NEGATIVES) if negative else rng.choice(_ALL_TEMPLATES)
        if negative and rng.random() < _FOREIGN_SHARE:
            samples.append(Sample(_foreign_sentence(rng, foreign), ()))
            continue
        if rng.random() < 0.4 and template[0] == "{" and template[1] in "PFN":
            template = rng.choice(["so ", "and then ", "well ", "ok ", "yeah "]) + template
        sample = _render(_voiced(template, parts, negative), parts, filler)
        if sample.text.strip() and fold(sample.text):
            samples.append(sample)
    return samples


def substituted(
    texts: list[tuple[str, tuple[tuple[int, int, str], ...]]], copies: int, seed: int = 12
) -> list[Sample]:
    """Labelled texts with each span's value replaced by a new one of its kind, copies times:
    the contexts real writers use, with values from the lists, so that the tagger learns the
    context rather than the value."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    parts = _Parts(rng)
    makers: dict[str, Callable[[], str]] = {
        "PERSON": parts.person,
        "SCHOOL": parts.school,
        "ADDRESS": parts.address,
        "DATE_OF_BIRTH": parts.date_of_birth,
        "ID": lambda: parts.identifier()[0],
        "POSTCODE": parts.postcode,
        "PHONE": parts.phone,
        "LOCATION": lambda: rng.choice(parts.places),
    }
    samples = []
    for text, spans in texts:
        if not spans:
            continue
        for _ in range(copies):
            out: list[str] = []
            new_spans: list[tuple[int, int, str]] = []
            position = 0
            length = 0
            for start, end, label in spans:
                out.append(text[position:start])
                length += start - position
                maker = makers.get(label)
                value = maker() if maker else text[start:end]
                out.append(value)
                new_spans.append((length, length + len(value), label))
                length += len(value)
                position = end
            out.append(text[position:])
            samples.append(Sample("".join(out), tuple(new_spans)))
    return samples
