"""The risk screen: does a free-text answer suggest a child is at risk? (Interim version: a few
plain patterns, replaced by the measured screen from the `screen` branch before this session
ends.)"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """What the screen asks for: alert (a child may be at risk now or soon), review (a person
    should read it) or none."""

    ALERT = "alert"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True)
class Screening:
    """The screen's verdict and its reasons, in words a lead can read."""

    level: Level
    reasons: tuple[str, ...]


_ALERT = [
    (re.compile(r"\b(hits?|hurts?|punch(es)?|kicks?)\s+(me|us)\b"), "someone hurting a child"),
    (re.compile(r"\b(kill|kil)\s+my\s*self\b|\bsuicid"), "suicidal thoughts"),
    (re.compile(r"\bdont want to go home\b|\bcome and get me\b"), "feeling unsafe at home"),
]
_REVIEW = [(re.compile(r"\bdon'?t feel safe\b|\bsecret\b"), "a hint that a child is not safe")]


def screen(text: str, source: str = "child") -> Screening:
    """Screen one free-text answer."""
    lowered = text.lower()
    reasons = tuple(reason for pattern, reason in _ALERT if pattern.search(lowered))
    if reasons:
        return Screening(Level.ALERT, reasons)
    reasons = tuple(reason for pattern, reason in _REVIEW if pattern.search(lowered))
    return Screening(Level.REVIEW if reasons else Level.NONE, reasons)
