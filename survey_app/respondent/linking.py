"""Linking a practitioner's answers across waves without knowing who they are.

A practitioner gets a short random personal code at the first wave and types it at later waves;
only a keyed hash of it (HMAC-SHA256 with a key kept outside the database, separate per
programme) is stored. Three answers only they could repeat (a self-generated code) are a fallback,
hashed the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from ..inputs import normalise_text

# Read aloud, written on paper, typed on a phone: no 0/O, 1/I/L, 5/S, 2/Z, 8/B look-alikes.
CODE_ALPHABET = "346779ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8


def new_personal_code() -> str:
    """A fresh code shown as two groups of four, e.g. KT7M-4PXD (26^8 ≈ 2e11 possibilities)."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalise_personal_code(typed: str) -> str:
    """What a typed code means: letters and digits only, capitals (so 'kt7m 4pxd' matches)."""
    return re.sub(r"[^0-9A-Za-z]", "", normalise_text(typed)).upper()[:32]


def display_code(code: str) -> str:
    normal = normalise_personal_code(code)
    return f"{normal[:4]}-{normal[4:]}" if len(normal) == CODE_LENGTH else normal


def self_generated_code(initial: str, day: int | None, street: str) -> str | None:
    """The fallback code from three remembered answers; None unless all three were given."""
    initial = normalise_text(initial).strip()[:1].upper()
    street = normalise_text(street).strip()[:1].upper()
    if not (initial.isalpha() and street.isalpha() and day and 1 <= day <= 31):
        return None
    return f"{initial}{day:02d}{street}"


def link_hash(key: str, survey_id: str, kind: str, code: str) -> str:
    """The stored form of a code: HMAC-SHA256 under a key derived for this programme."""
    programme_key = hmac.new(key.encode(), f"programme:{survey_id}".encode(), hashlib.sha256)
    return hmac.new(programme_key.digest(), f"{kind}:{code}".encode(), hashlib.sha256).hexdigest()
