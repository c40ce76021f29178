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


# Bytes of gaps decompressed at a time when reading a stored group into a MemberBitmap.
_CHUNK = 64 * 1024
# Ids per block of the bitmap: a block is 8 KB, made only where some id falls.
_BLOCK_BITS = 16
_BLOCK_MASK = (1 << _BLOCK_BITS) - 1


class MemberBitmap:
    """The response ids of stored groups as one bit per id, for groups too large to hold as a
    set of Python ints (a million ids take about 60 MB as a frozenset, and 125 KB here). Bits
    are kept in blocks of 65,536 ids, so ids far apart cost only the blocks they fall in."""

    def __init__(self) -> None:
        self._blocks: dict[int, bytearray] = {}
        self._count = 0

    def add_stored(self, stored: bytes) -> None:
        """Add the ids of a group stored by `encode_members`, decompressing a chunk at a time."""
        if not stored or stored[0] != FORMAT:
            raise ValueError("Not a stored group of responses (unknown format).")
        decompressor = zlib.decompressobj()
        pending = stored[1:]
        carry = b""
        current = 0
        while True:
            chunk = decompressor.decompress(pending, _CHUNK)
            pending = decompressor.unconsumed_tail
            if not chunk and not pending:
                break
            data = carry + chunk
            usable = len(data) - len(data) % 8
            carry = data[usable:]
            gaps = array("Q")
            gaps.frombytes(data[:usable])
            if sys.byteorder == "big":
                gaps.byteswap()
            for gap in gaps:
                current += gap
                self._add(current)
        if carry or not decompressor.eof:
            raise ValueError("A stored group of responses is cut short.")

    def _add(self, response_id: int) -> None:
        block = self._blocks.get(response_id >> _BLOCK_BITS)
        if block is None:
            block = self._blocks[response_id >> _BLOCK_BITS] = bytearray(1 << (_BLOCK_BITS - 3))
        index, bit = (response_id & _BLOCK_MASK) >> 3, 1 << (response_id & 7)
        if not block[index] & bit:
            block[index] |= bit
            self._count += 1

    def __contains__(self, response_id: object) -> bool:
        if not isinstance(response_id, int) or response_id < 0:
            return False
        block = self._blocks.get(response_id >> _BLOCK_BITS)
        return block is not None and bool(
            block[(response_id & _BLOCK_MASK) >> 3] & (1 << (response_id & 7))
        )

    def __len__(self) -> int:
        return self._count
