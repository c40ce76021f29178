"""Language names (in their own language), text direction and dates, from CLDR via Babel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date

# CLDR files Dari (prs) under Persian as spoken in Afghanistan (fa_AF) and names it
# "فارسی (افغانستان)"; children from Afghanistan know their language as دری.
OWN_NAMES = {"prs": "دری"}


@cache
def _locale(code: str) -> Locale | None:
    """The CLDR locale for a survey language code such as en, pl, ar, prs or pt-BR."""
    aliases: Mapping[str, str] = get_global("language_aliases")
    name = code.replace("-", "_")
    name = aliases.get(name, name)
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return None


def is_known_language(code: str) -> bool:
    """Whether CLDR knows the language, so its name and direction can be shown."""
    return _locale(code) is not None


def language_name(code: str) -> str:
    """The language's name in that language ("Polski", "العربية"), or the code if unknown."""
    if code in OWN_NAMES:
        return OWN_NAMES[code]
    locale = _locale(code)
    if locale is None:
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def is_right_to_left(code: str) -> bool:
    """Whether the language is written right to left (Arabic, Urdu, Dari, Pashto...)."""
    locale = _locale(code)
    return locale is not None and locale.character_order == "right-to-left"


def direction(code: str) -> str:
    """The HTML dir value for text in the language: "rtl" or "ltr"."""
    return "rtl" if is_right_to_left(code) else "ltr"


def long_date(day: dt.date, code: str) -> str:
    """The day as the language writes it in full ("Tuesday, 8 December 2026", "wtorek, 8 grudnia
    2026"), so a child can read it without working out a number format."""
    # The service is British: its English dates are day first, as children in the UK read them.
    locale = _locale("en_GB" if code == "en" else code) or _locale("en_GB")
    return format_date(day, "full", locale=locale)
