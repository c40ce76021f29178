"""The response ids of a published group, stored compactly: sorted, delta-encoded, compressed.

Format: one version byte (1), then zlib of the gaps between consecutive sorted ids (the first
gap is the first id) as little-endian unsigned 64-bit integers. Ids of one survey arrive close
together, so the gaps are small numbers and compress to a few bytes per thousand responses.
"""

from __future__ import annotations

import itertools
import sys
import zlib
from array import array
from collections.abc import Iterable

FORMAT = 1


def encode_members(ids: Iterable[int]) -> bytes:
    """The stored form of a set of response ids."""
    ordered = sorted(set(ids))
    if ordered and ordered[0] < 0:
        raise ValueError("Response ids are never negative.")
    gaps = array("Q", (b - a for a, b in zip([0, *ordered], ordered, strict=False)))
    if sys.byteorder == "big":
        gaps.byteswap()
    return bytes([FORMAT]) + zlib.compress(gaps.tobytes(), 9)


def decode_members(stored: bytes) -> frozenset[int]:
    """The response ids encoded by `encode_members`."""
    if not stored or stored[0] != FORMAT:
        raise ValueError("Not a stored group of responses (unknown format).")
    gaps = array("Q")
    gaps.frombytes(zlib.decompress(stored[1:]))
    if sys.byteorder == "big":
        gaps.byteswap()
    return frozenset(itertools.accumulate(gaps))
