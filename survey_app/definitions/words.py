"""Built-in words: interface text and default option labels, in English unless translated."""

from __future__ import annotations

from .model import DONT_KNOW, PREFER_NOT_TO_SAY, Direction, Option, Text

INTERFACE = {
    "start": "Start",
    "skip": "Skip to main content",
    "privacy_heading": "What happens to your answers",
    "change": "Change",
    "or": "or",
    "next": "Next",
    "back": "Back",
    "submit": "Send my answers",
    "progress": "Question {number} of {total}",
    "optional": "You can skip this question.",
    "error_title": "There is a problem",
    "choose_one": "Choose an answer for: {question}",
    "choose_valid": "Choose one of the answers shown for: {question}",
    "too_long": "Your answer to “{question}” is too long. Use {maximum} characters or less.",
    "whole_number": "Enter a whole number for: {question}",
    "number_range": "Enter a number from {minimum} to {maximum} for: {question}",
    "age_question": "How old are you?",
    "read_aloud_on": "Read the questions out loud",
    "read_aloud_off": "Stop reading out loud",
    "read_again": "Read this out loud",
    "language": "Language",
    "help_title": "Need to talk to someone?",
    "help_childline": (
        "Childline: call 0800 1111, free, any time. Calls do not show on the phone bill."
    ),
    "help_999": "If you are in danger now, call 999.",
    "check_title": "Ready to send?",
    "check_text": "You can go back and change any answer before you send.",
    "thank_you_title": "Thank you",
    "characters_left": "Up to {maximum} characters.",
    "closed_title": "This survey has closed",
    "closed_text": "Thank you for wanting to tell us. This survey is not taking answers any more.",
    "not_yet_open_text": "This survey is not open yet. Please try again later.",
    "expired": (
        "We delete answers that are not sent in one day. This keeps them private. "
        "Please start again."
    ),
    "dont_know": "I don't know",
    "prefer_not_to_say": "I'd rather not say",
    # The printed card.
    "card_scan": "Scan the code with your phone camera, or type:",
    "card_help": (
        "It is anonymous: don't write your name. If you need to talk: Childline 0800 1111. "
        "In danger now: 999."
    ),
    # Safety: the "I don't feel safe" control on every child page and the safety page it opens
    # (also shown when an answer worries the risk screen). Reading age about 9.
    "unsafe_link": "I don't feel safe",
    "safety_title": "Thank you for telling us",
    "safety_read_answer": "A grown-up whose job is to keep children safe will read what you wrote.",
    "safety_read_link": "A grown-up whose job is to keep children safe will be told.",
    "safety_999": "If you are in danger right now, call 999.",
    "safety_childline": "Call Childline on 0800 1111. It is free. You can call any time.",
    "safety_chat": "You can also chat to Childline online.",
    "safety_adult": "Talk to an adult you trust.",
    "carry_on": "Carry on with the survey",
    "stop": "Stop here",
    "stopped": "You have stopped. Your answers were not sent.",
    "contact_title": "Do you want someone to get in touch?",
    "contact_optional": (
        "This part is up to you. You can leave it empty. "
        "We never put your name with your other answers."
    ),
    "contact_how": "Your name, or how we can reach you",
    "contact_how_hint": "You could give a phone number.",
    "contact_time": "A good time to get in touch",
    "contact_safe_call": "Is it safe to call you?",
    "contact_yes": "Yes",
    "contact_no": "No",
    "contact_not_sure": "Not sure",
    "contact_send": "Ask someone to get in touch",
    "contact_needed": "Write your name, or how we can reach you.",
    "contact_thanks": "Thank you. We have your message. A grown-up will try to get in touch.",
}

# Only surveys with waves (practitioners, before and after) use these.
LINKING = {
    "link_title": "Linking your answers, without your name",
    "link_first": (
        "At the end you will get a short personal code. Keep it: at the next meeting it lets us "
        "compare your answers with today's without knowing who you are."
    ),
    "link_later": (
        "If you have the personal code you were given last time, type it here. "
        "If not, answer the questions below instead."
    ),
    "personal_code": "Your personal code",
    "personal_code_hint": "For example KT7M-4PXD. Capitals or small letters are fine.",
    "self_code_intro": (
        "In case a code gets lost, these three answers make a second code that only you could "
        "make again. They are never stored as you type them."
    ),
    "self_initial": "First letter of your mother's (or main carer's) first name",
    "self_day": "Day of the month you were born (1 to 31)",
    "self_street": "First letter of the street you lived on at age 10",
    "your_code_title": "Your personal code",
    "your_code_text": (
        "Write this down or take a photo: you will need it at the next meeting. "
        "We do not keep it, so we cannot look it up for you."
    ),
    "your_code_qr": (
        "Or scan this with the phone you will use next time: it offers to keep the code on "
        "that phone."
    ),
    "code_kept": "Your personal code is kept on this phone for next time.",
    "keep_code_check": (
        "Keep this code on this phone only if it is your own: the code you were given after "
        "you answered. If someone else sent you this link, do not keep it: whoever knows a "
        "code can answer with it."
    ),
    "keep_code_button": "Keep my code on this phone",
}

# Words added after surveys were written against the list above. A survey may translate them;
# where it does not, a page does without them (`journey.has_words`) rather than show English
# inside another language, and `survey-app check` does not count them as missing.
NEWER = {
    "not_yet_open_title": "This survey is not open yet",
    "opens_on": "It opens on {date}.",
    "minutes": "It takes about {minutes} minutes.",
    # While a later answer can still add or remove pages, the total is the most there can be.
    "progress_about": "Question {number} of about {total}",
    # What a page's title starts with when the page shows an error ("Error: How old are you?").
    "error_prefix": "Error",
}

# Newer words only surveys with waves use (optional in the same way).
NEWER_LINKING = {
    # At a survey's first wave the code is given at the end; this lets someone who already has
    # one type it.
    "have_code": "I already have a code",
}

# The headings and links around "you said, we did" on a child's pages (survey_app.actions).
# Built in for the languages in `you_said_words.BUILT_IN` as well as English; a survey may write
# its own. A language with neither shows no actions (never English inside it), and the loader
# warns (`loader.you_said_warnings`), so `survey-app check` does not count them as missing.
YOU_SAID = {
    "you_said_title": "You said, we did",
    "you_told_us": "You told us:",
    "so_we": "So we:",
    "you_said_see_all": "See everything we changed",
    "you_said_intro": "Children told us what it was like. This is what we changed.",
    "you_said_none_yet": "Nothing here yet. We will show what we change here.",
    "you_said_back": "Back to the start",
}

ALL_WORDS = {**INTERFACE, **LINKING, **NEWER, **NEWER_LINKING, **YOU_SAID}

DONT_KNOW_LABEL = INTERFACE["dont_know"]
PREFER_NOT_TO_SAY_LABEL = INTERFACE["prefer_not_to_say"]

YES_NO_NOT_SURE = (("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure"))

FACE_WORDS = {
    3: (("sad", "Not good"), ("okay", "OK"), ("happy", "Good")),
    5: (
        ("very_sad", "Really bad"),
        ("sad", "Bad"),
        ("okay", "OK"),
        ("happy", "Good"),
        ("very_happy", "Really good"),
    ),
}


# The built-in faces lean the way they look, so surveys that use them need not declare it.
FACE_DIRECTIONS = {
    "very_sad": Direction.NEGATIVE,
    "sad": Direction.NEGATIVE,
    "okay": Direction.NEUTRAL,
    "happy": Direction.POSITIVE,
    "very_happy": Direction.POSITIVE,
}


def options_from_pairs(pairs: tuple[tuple[str, str], ...]) -> tuple[Option, ...]:
    """Options with English labels from (id, words) pairs."""
    return tuple(Option(option_id, Text.english(words)) for option_id, words in pairs)


def face_options(points: int) -> tuple[Option, ...]:
    """The built-in faces of a points-face scale, each with the direction it shows."""
    return tuple(
        Option(option_id, Text.english(words), FACE_DIRECTIONS[option_id])
        for option_id, words in FACE_WORDS[points]
    )


def special_label(option_id: str) -> str:
    """English words for a reserved option id."""
    return {DONT_KNOW: DONT_KNOW_LABEL, PREFER_NOT_TO_SAY: PREFER_NOT_TO_SAY_LABEL}[option_id]
