"""Text as children type it, made plain: lower case, no apostrophes, text-speak and common
misspellings spelt out, emoji turned into words, so the cue patterns can be written once."""

from __future__ import annotations

import re

# Curly and straight apostrophes are dropped ("don’t" -> "dont") because most children never type
# them, so every pattern is written without them; hyphens become spaces ("self-harm").
_CHARACTERS = str.maketrans(
    {
        "’": "",
        "‘": "",
        "'": "",
        "`": "",
        "´": "",
        "ʼ": "",
        "“": "",
        "”": "",
        '"': "",
        "-": " ",
        "‐": " ",
        "–": " ",
        "—": " ",
        "_": " ",
        "\u200d": "",
        "\ufe0f": "",
    }
)

# Emoji that change how words should be read: laughter marks a joke, a knife or pills may be
# the disclosure itself. Skin-tone modifiers and other emoji are dropped.
_EMOJI = {
    "😂": " lol ",
    "🤣": " lol ",
    "😆": " lol ",
    "😅": " lol ",
    "😹": " lol ",
    "💀": " lol ",
    "☠": " lol ",
    "😜": " lol ",
    "😝": " lol ",
    "🤪": " lol ",
    "🙃": " lol ",
    "😏": " lol ",
    "🙄": " eyeroll ",
    "😤": " eyeroll ",
    "🔪": " knife ",
    "🗡": " knife ",
    "💊": " pills ",
    "🩸": " blood ",
    "🪢": " rope ",
    "😢": " sademoji ",
    "😞": " sademoji ",
    "😔": " sademoji ",
    "💔": " sademoji ",
    "🥺": " sademoji ",
    "☹": " sademoji ",
    "😰": " scaredemoji ",
    "😨": " scaredemoji ",
    "😱": " scaredemoji ",
    "😭": " cryemoji ",
}
_EMOJI_PATTERN = re.compile("|".join(re.escape(emoji) for emoji in _EMOJI))

# One word typed -> the words the patterns expect. Only spellings that cannot be an ordinary
# word are here ("kil", "sucide", "wiv"); "ill" stays as typed because it is also "I'll".
_WORDS = {
    "wiv": "with",
    "wid": "with",
    "wif": "with",
    "wen": "when",
    "wat": "what",
    "wot": "what",
    "sez": "says",
    "sed": "said",
    "kil": "kill",
    "kilt": "killed",
    "kiled": "killed",
    "killin": "killing",
    "kms": "kill myself",
    "kmsl": "lol",
    "kys": "kill yourself",
    "unalive": "kill",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
    "suicidle": "suicidal",
    "ngl": "to be honest",
    "rn": "right now",
    "atm": "right now",
    "tbh": "to be honest",
    "tbf": "to be fair",
    "fr": "for real",
    "frfr": "for real",
    "deadass": "for real",
    "u": "you",
    "ur": "your",
    "youre": "you are",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "cus": "because",
    "bc": "because",
    "becuz": "because",
    "becos": "because",
    "wanna": "want to",
    "wana": "want to",
    "gonna": "going to",
    "gunna": "going to",
    "gna": "going to",
    "finna": "going to",
    "gotta": "got to",
    "dunno": "dont know",
    "idk": "dont know",
    "dnt": "dont",
    "cnt": "cant",
    "tonite": "tonight",
    "2nite": "tonight",
    "2day": "today",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "tmrw": "tomorrow",
    "tmoz": "tomorrow",
    "tomoz": "tomorrow",
    "b4": "before",
    "nite": "night",
    "nites": "nights",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "boyfrend": "boyfriend",
    "ppl": "people",
    "sum1": "someone",
    "some1": "someone",
    "no1": "no one",
    "noone": "no one",
    "nobdy": "nobody",
    "any1": "anyone",
    "evry": "every",
    "evry1": "everyone",
    "every1": "everyone",
    "hurted": "hurt",
    "happend": "happened",
    "hapened": "happened",
    "happned": "happened",
    "beleive": "believe",
    "belive": "believe",
    "beleives": "believes",
    "belives": "believes",
    "wierd": "weird",
    "scard": "scared",
    "scaird": "scared",
    "scarred": "scared",
    "abit": "a bit",
    "alot": "a lot",
    "m8": "mate",
    "m8s": "mates",
    "h8": "hate",
    "thru": "through",
    "hav": "have",
    "mam": "mum",
    "mom": "mum",
    "mummy": "mum",
    "mommy": "mum",
    "mumma": "mum",
    "mams": "mums",
    "moms": "mums",
    "mummys": "mums",
    "daddy": "dad",
    "daddys": "dads",
    "nanny": "nan",
    "nanna": "nan",
    "granddad": "grandad",
    "sw": "social worker",
    "sws": "social workers",
    "od": "overdose",
    "oded": "overdosed",
    "jk": "joking",
    "lmao": "lol",
    "lmfao": "lol",
    "rofl": "lol",
    "haha": "lol",
    "hahaha": "lol",
    "hehe": "lol",
    "xd": "lol",
    "lool": "lol",
    "lolz": "lol",
    "yh": "yeah",
    "ye": "yeah",
    "tho": "though",
    "mayb": "maybe",
    "realy": "really",
    "rly": "really",
    "evn": "even",
    "nuthin": "nothing",
    "nothin": "nothing",
    "nuffin": "nothing",
    "sumthin": "something",
    "summat": "something",
    "cutt": "cut",
    "cuttin": "cutting",
    "bleedin": "bleeding",
    "hittin": "hitting",
    "punchin": "punching",
    "kickin": "kicking",
    "touchin": "touching",
    "hurtin": "hurting",
    "drinkin": "drinking",
    "runnin": "running",
    "goin": "going",
    "sayin": "saying",
    "nuffink": "nothing",
    "fink": "think",
    "wivout": "without",
    "witout": "without",
    "pix": "pics",
    "nudez": "nudes",
    "aloud": "allowed",
    "alowed": "allowed",
    "allowd": "allowed",
    "citys": "cities",
    "theyve": "they have",
    "snap": "snapchat",
    "insta": "instagram",
    "ig": "instagram",
    "yr": "year",
    "yrs": "years",
    "yo": "year old",
    "mins": "minutes",
    "hrs": "hours",
}
# A letter before an age in brackets is a child's initial ("R (9)"), not text-speak for "are".
_WORD_PATTERN = re.compile(r"[a-z0-9£]+(?! \(\d)")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_STEP = re.compile(r"\bstep (dad|mum|brother|sister|father|mother)")
_SPACES = re.compile(r"[ \t]+")
# Anything that is not a letter, digit, pound sign or sentence mark becomes a space; quotes go
# (above) because children and note-takers put them round the very words that matter.
_OTHER = re.compile(r"[^a-z0-9£.!?,;:()/\n ]+")
_AGE = re.compile(r"\b(\d{1,2}) ?(?:yo|y/o|yrs?|years?)(?: old)?\b")


# Figures of speech that use harm words for something harmless, spelt plainly before anything
# looks for harm ("they kept cutting me off", "killing it at college", "dying of boredom").
_IDIOMS = [
    (re.compile(r"\b(?:cutting|cut|cuts) (?:me|us|him|her|them) (?:off|short)\b"), "interrupting"),
    (
        re.compile(r"\b(?:killing|killed|kills|smashed|smashing|smashes|nailed|nailing) it\b"),
        "doing well",
    ),
    (
        re.compile(
            r"\b(?:die|dying|died|dead|deceased) (?:of|from|with) (?:boredom|embarrassment|"
            r"laughing|laughter|cringe|shame|old age|heat|excitement)\b"
        ),
        "very bored",
    ),
    (re.compile(r"\b(?:bored|boring|scared) (?:me )?to death\b"), "very bored"),
    (
        re.compile(
            r"\b(?:it|that|this|which|really|so|truly) (?:really |so |truly )?touched "
            r"(?:me|us|him|her)\b"
        ),
        "it moved me",
    ),
    (
        re.compile(
            r"\b(?:post|letters?|mail|minutes|homework|phone|keys|socks|shoes|emails?|forms?|"
            r"paperwork|parcels?|charger|stuff) (?:keeps? |kept |has |have |always )?(?:going|gone|"
            r"go|goes|went) missing\b"
        ),
        "got lost",
    ),
    (re.compile(r"\bdying to (?=\w)"), "keen to "),
    (re.compile(r"\b(?:could|would) (?:murder|kill) (?:a|for a|some) "), "would love a "),
    (
        re.compile(
            r"\bdead (?=(?:long|boring|good|nice|funny|awkward|hard|easy|tired|bored|annoying|slow|"
            r"quick|fast|cold|hot|late|early|sound|serious)\b)"
        ),
        "very ",
    ),
    (re.compile(r"\bhits different\b"), "feels different"),
    # "hit the roof" is anger, "hit the gym" is exercise; neither is a blow to anyone.
    (
        re.compile(
            r"\b(?:hit|hits|hitting) the (?:roof|ceiling|gym|hay|sack|road|shops|books|town|"
            r"jackpot|target|ground running|nail on the head)\b"
        ),
        "went off",
    ),
    (re.compile(r"\b(?:smacks|smacked|smacking|smack) (?:her|his|my|their) lips\b"), "chews"),
]


def _word(match: re.Match[str]) -> str:
    word = match.group(0)
    return _WORDS.get(word, word)


def normalise(text: str) -> str:
    """Lower-cased text with apostrophes dropped, text-speak spelt out and emoji as words."""
    text = _EMOJI_PATTERN.sub(lambda match: _EMOJI[match.group(0)], text)
    text = text.lower().translate(_CHARACTERS)
    text = _OTHER.sub(" ", text)
    text = _REPEATS.sub(r"\1\1", text)
    text = _WORD_PATTERN.sub(_word, text)
    text = _STEP.sub(r"step\1", text)
    text = _AGE.sub(r"\1 year old", text)
    for idiom, plain in _IDIOMS:
        text = idiom.sub(plain, text)
    return _SPACES.sub(" ", text).strip()
