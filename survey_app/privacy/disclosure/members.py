"""The response ids of a published group: held as a bitmap, stored compressed.

`MemberSet` is a set of response ids kept as one bit per id (a Python int), so the set
operations differencing needs (intersection sizes, subsets, unions) cost a few machine words per
64 ids rather than a Python object per id: a million ids are 125 KB, not 60 MB.

Stored formats (one version byte, then zlib):
1. the gaps between consecutive sorted ids as little-endian unsigned 64-bit integers (older
   publications; still read);
2. the bitmap itself, little-endian (bit i of byte i // 8 is id 8 * (i // 8) + i % 8), which is
   what is written now.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator

from ...caching import remembered

FORMAT = 1  # sorted gaps
BITMAP = 2  # bitmap blocks
# Ids per block of the bitmap: a block is 8 KB, made only where some id falls. The same blocks
# as the worker's CountedMembers rows.
BLOCK_BITS = 16
BLOCK_BYTES = 1 << (BLOCK_BITS - 3)
_LOW = (1 << BLOCK_BITS) - 1


class MemberSet:
    """An immutable set of response ids as bitmap blocks of 65,536 ids (a Python int each, only
    where some id falls); mixes with frozensets of ids in every set operation differencing uses."""

    __slots__ = ("_blocks", "_bytes", "_count", "_digest")

    def __init__(self, blocks: dict[int, int] | None = None) -> None:
        self._blocks = {b: bits for b, bits in (blocks or {}).items() if bits}
        self._count = sum(bits.bit_count() for bits in self._blocks.values())
        self._bytes: dict[int, bytes] = {}
        self._digest: str | None = None

    @classmethod
    def of(cls, ids: Iterable[int] | MemberSet) -> MemberSet:
        if isinstance(ids, MemberSet):
            return ids
        blocks: dict[int, bytearray] = {}
        for response_id in ids:
            if response_id < 0:
                raise ValueError("Response ids are never negative.")
            block = blocks.get(response_id >> BLOCK_BITS)
            if block is None:
                block = blocks[response_id >> BLOCK_BITS] = bytearray(BLOCK_BYTES)
            low = response_id & _LOW
            block[low >> 3] |= 1 << (low & 7)
        return cls({b: int.from_bytes(bits, "little") for b, bits in blocks.items()})

    @classmethod
    def from_blocks(cls, blocks: Iterable[tuple[int, bytes]]) -> MemberSet:
        """From (block number, 8 KB of little-endian bits) pairs, as the worker stores them."""
        merged: dict[int, int] = {}
        for number, bits in blocks:
            merged[number] = merged.get(number, 0) | int.from_bytes(bits, "little")
        return cls(merged)

    def blocks(self) -> list[tuple[int, bytes]]:
        return [(number, self._block_bytes(number)) for number in sorted(self._blocks)]

    @property
    def digest(self) -> str:
        """A name for exactly this set of ids (SHA-256 of its blocks, hex): equal sets have
        equal digests, in every process and database. Worked out once per set."""
        if self._digest is None:
            hashed = hashlib.sha256()
            for number, bits in self.blocks():
                hashed.update(number.to_bytes(4, "little"))
                hashed.update(bits)
            self._digest = hashed.hexdigest()
        return self._digest

    @property
    def size_in_bytes(self) -> int:
        """Roughly what the set holds in memory (its blocks), for caches that keep sets."""
        return BLOCK_BYTES * (len(self._blocks) + len(self._bytes))

    def _block_bytes(self, number: int) -> bytes:
        found = self._bytes.get(number)
        if found is None:
            found = self._bytes[number] = self._blocks[number].to_bytes(BLOCK_BYTES, "little")
        return found

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __contains__(self, response_id: object) -> bool:
        if not isinstance(response_id, int) or response_id < 0:
            return False
        number = response_id >> BLOCK_BITS
        if number not in self._blocks:
            return False
        low = response_id & _LOW
        return bool(self._block_bytes(number)[low >> 3] >> (low & 7) & 1)

    def __iter__(self) -> Iterator[int]:
        for number in sorted(self._blocks):
            start = number << BLOCK_BITS
            for index, byte in enumerate(self._block_bytes(number)):
                while byte:
                    lowest = byte & -byte
                    yield start + index * 8 + lowest.bit_length() - 1
                    byte ^= lowest

    def __and__(self, other: object) -> MemberSet:
        theirs = _blocks_of(other)
        return MemberSet({b: v & theirs[b] for b, v in self._blocks.items() if b in theirs})

    __rand__ = __and__

    def __or__(self, other: object) -> MemberSet:
        merged = dict(self._blocks)
        for number, bits in _blocks_of(other).items():
            merged[number] = merged.get(number, 0) | bits
        return MemberSet(merged)

    __ror__ = __or__

    def __sub__(self, other: object) -> MemberSet:
        theirs = _blocks_of(other)
        return MemberSet({b: v & ~theirs.get(b, 0) for b, v in self._blocks.items()})

    def __rsub__(self, other: object) -> MemberSet:
        return MemberSet.of(other) - self  # type: ignore[arg-type]

    def __le__(self, other: object) -> bool:
        theirs = _blocks_of(other)
        return all(v & ~theirs.get(b, 0) == 0 for b, v in self._blocks.items())

    def __ge__(self, other: object) -> bool:
        return MemberSet.of(other) <= self  # type: ignore[arg-type]

    def __lt__(self, other: object) -> bool:
        return self <= other and self != other

    def __gt__(self, other: object) -> bool:
        return self >= other and self != other

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MemberSet):
            return self._blocks == other._blocks
        if isinstance(other, (set, frozenset)):
            return self._count == len(other) and self._blocks == _blocks_of(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._blocks.items()))

    def isdisjoint(self, other: object) -> bool:
        theirs = _blocks_of(other)
        return all(v & theirs.get(b, 0) == 0 for b, v in self._blocks.items())

    def union(self, *others: object) -> MemberSet:
        merged = dict(self._blocks)
        for other in others:
            for number, bits in _blocks_of(other).items():
                merged[number] = merged.get(number, 0) | bits
        return MemberSet(merged)

    def __repr__(self) -> str:
        return f"MemberSet({self._count} ids)"


def _blocks_of(ids: object) -> dict[int, int]:
    if isinstance(ids, MemberSet):
        return ids._blocks
    if isinstance(ids, (set, frozenset, list, tuple)):
        return MemberSet.of(ids)._blocks  # type: ignore[arg-type]
    raise TypeError(f"not a set of response ids: {type(ids).__name__}")


def union_of(groups: Iterable[Iterable[int] | MemberSet]) -> MemberSet:
    """Every id in any of the groups."""
    groups = tuple(groups)
    if all(isinstance(group, MemberSet) for group in groups):
        return _union_of_sets(groups)  # type: ignore[arg-type]
    return MemberSet().union(*groups)


# The union of the same sets (a region of the same councils, download after download) is worked
# out once and kept, by the sets' digests.
@remembered(32, key=lambda groups: tuple(g.digest for g in groups))
def _union_of_sets(groups: tuple[MemberSet, ...]) -> MemberSet:
    return MemberSet().union(*groups)


def encode_members(ids: Iterable[int] | MemberSet) -> bytes:
    """The stored form of a set of response ids: its bitmap blocks (4-byte block number, then
    its 8 KB), compressed."""
    members = MemberSet.of(ids)
    payload = b"".join(number.to_bytes(4, "little") + bits for number, bits in members.blocks())
    # Level 1: a council's bits among the region's interleaved ids are close to random, so
    # harder compression buys little and costs milliseconds per download at a million ids.
    return bytes([BITMAP]) + zlib.compress(payload, 1)


def decode_members(stored: bytes) -> MemberSet:
    """The response ids encoded by `encode_members` (either format)."""
    if not stored or stored[0] not in (FORMAT, BITMAP):
        raise ValueError("Not a stored group of responses (unknown format).")
    if stored[0] == BITMAP:
        return MemberSet.from_blocks(_stored_blocks(stored))
    gaps = array("Q")
    gaps.frombytes(zlib.decompress(stored[1:]))
    if sys.byteorder == "big":
        gaps.byteswap()
    return MemberSet.of(itertools.accumulate(gaps))


def _stored_blocks(stored: bytes) -> list[tuple[int, bytes]]:
    try:
        payload = zlib.decompress(stored[1:])
    except zlib.error as broken:
        raise ValueError("A stored group of responses is cut short or damaged.") from broken
    step = 4 + BLOCK_BYTES
    if len(payload) % step:
        raise ValueError("A stored group of responses is cut short.")
    return [
        (int.from_bytes(payload[i : i + 4], "little"), payload[i + 4 : i + step])
        for i in range(0, len(payload), step)
    ]


# Bytes of gaps decompressed at a time when reading a stored group into a MemberBitmap.
_CHUNK = 64 * 1024
_BLOCK_BITS = BLOCK_BITS
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
        if stored and stored[0] == BITMAP:
            for number, bits in _stored_blocks(stored):
                self._add_block(number, bits)
            return
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

    def _add_block(self, number: int, bits: bytes) -> None:
        size = 1 << (_BLOCK_BITS - 3)
        block = self._blocks.get(number)
        if block is None:
            block = self._blocks[number] = bytearray(size)
        before = int.from_bytes(block, "little")
        merged = before | int.from_bytes(bits, "little")
        block[:] = merged.to_bytes(size, "little")
        self._count += merged.bit_count() - before.bit_count()

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
