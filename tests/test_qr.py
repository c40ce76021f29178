"""Tests for the QR codes printed on survey cards."""

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from survey_app.qr import qr_png, qr_svg, write_qr_files

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
SHORT_URL = "https://survey.example.org/s/AB12"
LONG_URL = "https://survey.example.org/s/AB12?" + "source=printed-card&" * 12


def _png_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _svg_side(svg: str) -> float:
    """Return the side of the SVG's square viewBox, in modules."""
    root = ET.fromstring(svg.encode("utf-8"))  # noqa: S314 - our own output, not untrusted input
    min_x, min_y, width, height = (float(n) for n in root.attrib["viewBox"].split())
    assert (min_x, min_y) == (0, 0)
    assert width == height
    return width


def test_the_png_is_a_real_square_png_image() -> None:
    data = qr_png(SHORT_URL)

    assert data.startswith(PNG_SIGNATURE)
    image = _png_image(data)
    assert image.format == "PNG"
    assert image.width == image.height


def test_the_png_is_black_modules_on_a_white_quiet_zone() -> None:
    image = _png_image(qr_png(SHORT_URL)).convert("L")

    colours = {colour for _count, colour in image.getcolors()}
    assert colours == {0, 255}
    assert image.getpixel((0, 0)) == 255
    # With a border of 4 modules of 10px, the finder pattern's dark corner
    # starts at pixel 40.
    assert image.getpixel((40, 40)) == 0


def test_box_size_scales_the_png() -> None:
    small = _png_image(qr_png(SHORT_URL, box_size=4))
    large = _png_image(qr_png(SHORT_URL, box_size=8))

    assert large.width == 2 * small.width


def test_the_svg_is_a_standalone_document_that_scales_to_fit_a_card() -> None:
    svg = qr_svg(SHORT_URL)

    root = ET.fromstring(svg.encode("utf-8"))  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{SVG_NS}svg"
    assert "viewBox" in root.attrib
    assert root.find(f"{SVG_NS}path") is not None
    assert svg.startswith("<?xml")


def test_the_same_url_always_gives_the_same_svg() -> None:
    assert qr_svg(SHORT_URL) == qr_svg(SHORT_URL)


def test_different_urls_give_different_codes() -> None:
    assert qr_svg(SHORT_URL) != qr_svg(SHORT_URL + "X")
    assert qr_png(SHORT_URL) != qr_png(SHORT_URL + "X")


def test_a_longer_url_needs_a_bigger_code_with_more_modules() -> None:
    assert _svg_side(qr_svg(LONG_URL)) > _svg_side(qr_svg(SHORT_URL))
    assert _png_image(qr_png(LONG_URL)).width > _png_image(qr_png(SHORT_URL)).width


def test_the_svg_and_png_show_the_same_number_of_modules() -> None:
    box_size = 10
    png = _png_image(qr_png(SHORT_URL, box_size=box_size))

    assert png.width == _svg_side(qr_svg(SHORT_URL)) * box_size


def test_qr_files_are_written_as_code_dot_svg_and_code_dot_png(tmp_path: Path) -> None:
    directory = tmp_path / "cards" / "batch-1"

    svg_path, png_path = write_qr_files("AB12", SHORT_URL, directory)

    assert svg_path == directory / "AB12.svg"
    assert png_path == directory / "AB12.png"
    assert svg_path.read_text(encoding="utf-8") == qr_svg(SHORT_URL)
    assert png_path.read_bytes() == qr_png(SHORT_URL)
    assert sorted(p.name for p in directory.iterdir()) == ["AB12.png", "AB12.svg"]


def test_rewriting_qr_files_replaces_them_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    write_qr_files("AB12", SHORT_URL, tmp_path)

    svg_path, png_path = write_qr_files("AB12", LONG_URL, tmp_path)

    assert svg_path.read_text(encoding="utf-8") == qr_svg(LONG_URL)
    assert png_path.read_bytes() == qr_png(LONG_URL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["AB12.png", "AB12.svg"]


@pytest.mark.parametrize("code", ["", "../escape", "a/b", ".hidden"])
def test_a_code_that_would_escape_the_directory_is_refused(tmp_path: Path, code: str) -> None:
    with pytest.raises(ValueError):
        write_qr_files(code, SHORT_URL, tmp_path / "cards")

    assert not (tmp_path / "escape.svg").exists()
