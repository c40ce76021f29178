"""The A4 poster per distribution: the QR code, the card line and the council's latest "you
said, we did", as a page and as a one-page PDF whose QR code opens the link (issue 16)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import zxingcpp
from pypdf import PdfReader

from survey_app.db import Database
from survey_app.models import Distribution, User
from tests.conftest import PUBLIC_URL, sign_in
from tests.you_said import CHILD, approved_action, token_maker


def decoded_qr_codes(pdf: bytes) -> list[str]:
    """The text of every QR code in the images on the PDF's pages."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [result.text for result in zxingcpp.read_barcodes(image.image)]
    return found


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    return token_maker(database, make_user)


@pytest.fixture
def suffolk(make_distribution: Callable[..., Distribution]) -> str:
    return make_distribution().code


def test_the_poster_is_one_a4_page_whose_qr_code_opens_the_link_with_the_latest_actions(
    client, make_user, make_token, suffolk
):
    approved_action(client, make_token)
    sign_in(client, "facilitator@example.org")

    pdf = client.get(f"/facilitator/distributions/{suffolk}/poster.pdf")

    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    assert decoded_qr_codes(pdf.data) == [f"{PUBLIC_URL}/s/{suffolk}"]
    text = reader.pages[0].extract_text()
    assert "Tell us what your meeting was like" in text
    assert "You said, we did" in text and "the day before" in text


def test_the_arabic_poster_opens_the_arabic_survey_and_reads_right_to_left(
    client, make_user, make_token, suffolk
):
    approved_action(client, make_token)
    sign_in(client, "facilitator@example.org")

    page = client.get(f"/facilitator/distributions/{suffolk}/poster?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert CHILD["ar"]["we_did"] in page.text
    pdf = client.get(f"/facilitator/distributions/{suffolk}/poster.pdf?lang=ar")
    assert decoded_qr_codes(pdf.data) == [f"{PUBLIC_URL}/s/{suffolk}?lang=ar"]
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 1


def test_another_councils_poster_is_not_found_and_shows_no_other_councils_actions(
    client, make_user, make_token, make_distribution, suffolk
):
    approved_action(client, make_token)
    norfolk = make_distribution(council_name="Norfolk", label="Norwich").code
    make_user("lead@norfolk.example.org", "council_lead", "Norfolk")
    sign_in(client, "lead@norfolk.example.org")

    assert client.get(f"/facilitator/distributions/{suffolk}/poster").status_code == 404
    own = client.get(f"/facilitator/distributions/{norfolk}/poster")
    assert own.status_code == 200 and CHILD["en"]["we_did"] not in own.text
