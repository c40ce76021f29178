"""Photos of sticky notes and drawings: checked, re-encoded with Pillow without any metadata
(EXIF, GPS, camera, colour profile, comments), shrunk, and kept outside the web root under the
hash of the cleaned file, which is all the database holds."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from sqlalchemy.orm import Session

from ..definitions.guides import GuideDefinition
from ..models import FocusGroupItem, FocusGroupItemKind, FocusGroupSession
from ..operations import OperationError
from .recording import check_kind, check_open, prompt_of

MAX_BYTES = 10 * 1024 * 1024
# Longest side kept: enough to read a sticky note, too small to enlarge a face from.
LONGEST_SIDE = 1600
# A phone photo is about 12-50 million pixels; anything much larger is a decompression bomb.
MAX_PIXELS = 60_000_000
ACCEPTED = ("JPEG", "PNG", "HEIF")
FIELD = "photo"


class PhotoRefused(OperationError):
    """A file that is not a photo we take: too big, not JPEG/PNG/HEIC, damaged or hostile."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field=FIELD)


def _read_heic() -> None:
    """Let Pillow open HEIC (iPhones' photos): pillow-heif registers its opener, on first use
    rather than at import, so importing this module changes nothing."""
    register_heif_opener()


_LOADING = threading.Lock()


@contextlib.contextmanager
def _strict_loading() -> Iterator[None]:
    """Pillow refuses a file cut short only while ImageFile.LOAD_TRUNCATED_IMAGES is off, and
    WeasyPrint turns it on for the whole process when it is imported (for the reports): turn it
    off while a photo is read, so a truncated upload is refused, not padded with grey."""
    with _LOADING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def clean_photo(data: bytes) -> bytes:
    """The photo re-encoded as a JPEG with no metadata, turned upright and shrunk; PhotoRefused
    (with a message for the facilitator) for anything else."""
    if not data:
        raise PhotoRefused("Choose a photo to upload.")
    if len(data) > MAX_BYTES:
        raise PhotoRefused("The photo is larger than 10 MB: take it again at a smaller size.")
    _read_heic()
    kinds = "JPEG, PNG or HEIC"
    try:
        with warnings.catch_warnings():
            # Pillow only warns of a decompression bomb below twice its own limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _strict_loading(), Image.open(io.BytesIO(data), formats=ACCEPTED) as opened:
                width, height = opened.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise PhotoRefused(
                        "The picture is too large to be a photo (too many pixels): it was "
                        "not saved."
                    )
                opened.load()
                upright = ImageOps.exif_transpose(opened)
                shown = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    except PhotoRefused:
        raise
    except UnidentifiedImageError:
        raise PhotoRefused(f"That file is not a {kinds} photo.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(
            "The picture is too large to be a photo (too many pixels): it was not saved."
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise PhotoRefused(
            "The photo could not be read (the file may be damaged or cut short): take or "
            "save it again."
        ) from None
    shown.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    # A new image holds pixels only: nothing of the original's metadata can come along.
    fresh = Image.new("RGB", shown.size, "white")
    fresh.paste(shown, mask=shown.getchannel("A") if shown.mode == "RGBA" else None)
    out = io.BytesIO()
    fresh.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def photo_path(directory: Path, photo_hash: str) -> Path:
    """Where a cleaned photo is kept (named by its hash, so names say nothing)."""
    return directory / photo_hash[:2] / f"{photo_hash}.jpg"


def add_photo(
    session: Session,
    found: FocusGroupSession,
    guide: GuideDefinition,
    prompt_id: str | None,
    data: bytes,
    directory: Path,
) -> FocusGroupItem:
    """Clean and keep a photo for a prompt of an open session; the item that records its hash."""
    check_open(found)
    prompt = prompt_of(guide, prompt_id)
    check_kind(prompt, FocusGroupItemKind.PHOTO.value)
    assert prompt is not None
    cleaned = clean_photo(data)
    photo_hash = hashlib.sha256(cleaned).hexdigest()
    path = photo_path(directory, photo_hash)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a reader never sees half a photo.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as partial:
            partial.write(cleaned)
        os.replace(partial.name, path)
    item = FocusGroupItem(
        session_id=found.id,
        prompt_id=prompt.id,
        prompt_words=prompt.title.en[:300],
        kind=FocusGroupItemKind.PHOTO.value,
        photo_hash=photo_hash,
        processed=True,
    )
    session.add(item)
    session.flush()
    return item
