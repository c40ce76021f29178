"""QR codes that take a respondent from a printed card to a survey link."""

import io
import os
import tempfile
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.image.svg
from qrcode.image.pil import PilImage

# M recovers from roughly 15% damage: enough for a creased or smudged card
# without making the symbol so dense that cheap phone cameras struggle.
_ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# Four modules of quiet zone is what the QR specification asks scanners to expect.
_BORDER = 4


def _build(url: str, box_size: int = 10) -> qrcode.QRCode:
    """Encode a URL at the smallest version that fits it."""
    code = qrcode.QRCode(
        version=None,
        error_correction=_ERROR_CORRECTION,
        box_size=box_size,
        border=_BORDER,
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_svg(url: str) -> str:
    """Return a standalone, scalable SVG document encoding the URL."""
    image = _build(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    # save() is used rather than to_string() because only save() emits the
    # XML declaration that makes this a standalone document.
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def qr_png(url: str, box_size: int = 10) -> bytes:
    """Return PNG bytes of the URL's QR code, black on white."""
    image = _build(url, box_size=box_size).make_image(
        image_factory=PilImage, fill_color="black", back_color="white"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write bytes so readers never see a half-written file."""
    # The temporary file lives in the target directory so os.replace stays a
    # same-filesystem rename, which is what makes it atomic.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_qr_files(code: str, url: str, directory: Path) -> tuple[Path, Path]:
    """Write `<code>.svg` and `<code>.png` for the URL into directory; return both paths."""
    # The code becomes a file name, so it must not be able to climb out of
    # the directory or hide the file.
    if not code or code.startswith(".") or "/" in code or "\\" in code:
        raise ValueError(f"not usable as a file name: {code!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    svg_path = directory / f"{code}.svg"
    png_path = directory / f"{code}.png"
    _write_atomically(svg_path, qr_svg(url).encode("utf-8"))
    _write_atomically(png_path, qr_png(url))
    return svg_path, png_path


def qr_svg_element(url: str) -> str:
    """The QR code as an <svg> element to place inside an HTML page (no XML declaration)."""
    image = _build(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
