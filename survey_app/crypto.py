"""Encryption of raw free text and drafts at rest, with a key kept outside the database."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class TextVault:
    """Seals and opens text with Fernet (AES-128-CBC + HMAC-SHA256)."""

    def __init__(self, key: str | bytes) -> None:
        self._fernet = Fernet(key)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode()

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def open(self, sealed: bytes) -> str:
        return self._fernet.decrypt(sealed).decode("utf-8")

    def seal_json(self, value: Any) -> bytes:
        return self.seal(json.dumps(value, separators=(",", ":")))

    def open_json(self, sealed: bytes) -> Any:
        try:
            return json.loads(self.open(sealed))
        except InvalidToken:
            # A draft sealed under a key that has since been rotated is simply lost.
            return {}


def new_token(nbytes: int = 24) -> str:
    """An opaque random token for a cookie or an API client."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """The stored form of a high-entropy token."""
    return hashlib.sha256(token.encode()).hexdigest()
