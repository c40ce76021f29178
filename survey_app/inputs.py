"""What every typed text becomes before anything stores or compares it: one rule, one place."""

from __future__ import annotations

import re
import unicodedata

# Control characters (C0, DEL, C1) except tab and line breaks, and lone surrogates: PostgreSQL
# refuses NUL in text, spreadsheets refuse the rest, and none of them is something a person meant.
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# Longest email address (RFC 5321) and the longest name or label a column holds.
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200


def normalise_text(value: str) -> str:
    """Text without control characters (tabs and line breaks stay), in Unicode NFC."""
    return unicodedata.normalize("NFC", _UNWANTED.sub("", value))


def normalise_email(value: str) -> str:
    """An email address as accounts are stored and looked up: normalised, trimmed, lower case."""
    return normalise_text(value).strip().lower()


def has_control_characters(value: str) -> bool:
    """Whether value holds a character normalise_text would take out."""
    return _UNWANTED.search(value) is not None


def is_single_line(value: str) -> bool:
    """Whether value holds no control character at all, not even a tab or line break."""
    return _ANY_CONTROL.search(value) is None
