"""Recording focus groups: the facilitator's page, the API, photos, council isolation, and the
worker that anonymises items as it does survey free text."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import struct
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageFile
from sqlalchemy import select

from survey_app import operations
from survey_app.cli import migrate_database
from survey_app.db import Database
from survey_app.focus_groups import read_items, vote_totals
from survey_app.focus_groups.photos import MAX_BYTES, PhotoRefused, clean_photo, photo_path
from survey_app.models import (
    AuditEvent,
    Concern,
    ConcernText,
    FocusGroupItem,
    FocusGroupSession,
    User,
)
from survey_app.voices import ItemQuery, Source
from survey_app.voices import read_items as read_every_voice
from tests.conftest import HttpsClient, csrf_token, make_council, sign_in

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
TEST_SURVEYS = Path(__file__).parent / "data" / "surveys"
HOUSES = "focus-group-three-houses"
APPRECIATIVE = "focus-group-appreciative-inquiry"
HELD_ON = "2025-11-10"
PROMPT_TITLES = ["The house of worries", "If you had a magic wand"]
PHONE = "07700 900123"
EMAIL = "jo.bloggs@example.com"


@pytest.fixture
def app(request: pytest.FixtureRequest, make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """The app with the test survey and the shipped guides, on SQLite (or, for a test
    parametrized with "postgresql", on a new database of the suite's PostgreSQL server)."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", folder)
    for name in (HOUSES, APPRECIATIVE):
        shutil.copy(SHIPPED / f"{name}.yaml", folder)
    settings = {"SURVEY_DIR": str(folder), "PHOTO_DIR": str(tmp_path / "photos")}
    if getattr(request, "param", "sqlite") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        settings["DATABASE_URL"] = server.create_database(f"fg_{uuid.uuid4().hex[:8]}")
        migrate_database(settings["DATABASE_URL"])
    return make_app(**settings)


EACH_DATABASE = pytest.mark.parametrize("app", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def councils(database: Database) -> dict[str, int]:
    with database.session() as session:
        made = {name: make_council(session, name).id for name in ("Suffolk", "Norfolk")}
        session.commit()
    return made


def signed_in(app: Flask, make_user: Callable[..., User], email: str, role: str, council=None):
    """A browser of its own, signed in as a new account."""
    make_user(email, role, council)
    app.test_client_class = HttpsClient
    browser = app.test_client()
    assert sign_in(browser, email).status_code == 302
    return browser


def start_session(browser: FlaskClient, guide: str = HOUSES, **fields: str) -> Any:
    """Post the "record a session" form; the reply."""
    page = browser.get(f"/facilitator/focus-groups/new/{guide}")
    assert page.status_code == 200, page.status_code
    form = {
        "csrf_token": csrf_token(page.text),
        "council": "Suffolk",
        "held_on": HELD_ON,
        "participants-8-11": "4",
        "participants-12-17": "2",
        "consent_recorded": "yes",
        **fields,
    }
    return browser.post(f"/facilitator/focus-groups/new/{guide}", data=form)


def started(browser: FlaskClient, guide: str = HOUSES, **fields: str) -> str:
    """Start a session; the path of its page."""
    reply = start_session(browser, guide, **fields)
    assert reply.status_code == 303, reply.text
    return str(reply.headers["Location"])


def add_item(browser: FlaskClient, session_page: str, **fields: str) -> Any:
    page = browser.get(session_page)
    return browser.post(
        f"{session_page}/items", data={"csrf_token": csrf_token(page.text), **fields}
    )


def upload(browser: FlaskClient, session_page: str, data: bytes, name: str, prompt="magic-wand"):
    page = browser.get(session_page)
    return browser.post(
        f"{session_page}/photos",
        data={
            "csrf_token": csrf_token(page.text),
            "prompt": prompt,
            "photo": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def items_of(database: Database) -> list[FocusGroupItem]:
    with database.session() as session:
        return list(session.scalars(select(FocusGroupItem).order_by(FocusGroupItem.id)))


# The page -------------------------------------------------------------------------------------


def test_the_new_session_form_says_who_took_part_is_never_stored(app, make_user, councils):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")

    page = browser.get(f"/facilitator/focus-groups/new/{HOUSES}")

    assert "never stores who took part" in page.text
    assert "<legend>How many took part, by age band</legend>" in page.text
    for band in ("4-7", "8-11", "12-17"):
        assert f'<label for="participants-{band}">' in page.text
    assert '<label for="consent_recorded">' in page.text


def test_a_recorded_session_shows_every_prompt_with_the_form_its_kind_needs(
    app, make_user, councils
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")

    page = browser.get(started(browser))

    assert page.status_code == 200
    sections = dict(re.findall(r'data-prompt="([^"]+)" data-kind="([^"]+)"', page.text))
    assert set(sections.values()) == {
        "discussion",
        "sticky_notes",
        "dot_vote",
        "scale",
        "drawing",
        "general",
    }

    def forms_of(prompt: str) -> set[str]:
        section = page.text.split(f'data-prompt="{prompt}"')[1].split("</section>")[0]
        return set(re.findall(r'data-form="([^"]+)"', section))

    assert forms_of("house-of-worries") == {"words", "photo"}
    assert forms_of("what-matters-most") == {"words", "votes", "photo"}
    assert forms_of("how-was-it") == {"words", "show_of_hands", "photo"}
    assert forms_of("magic-wand") == {"words", "photo"}
    assert forms_of("welcome") == {"words", "photo"}
    assert forms_of("general") == {"words"}
    # Children's wording per age band, and the photo reminder, are on the page.
    assert "This is the worry house." in page.text
    assert "No faces, no names." in page.text
    # A dot vote offers a count box per option; a scale one per face.
    assert 'id="what-matters-most-votes-fewer-people"' in page.text
    assert len(re.findall(r'id="how-was-it-votes-[a-z_]+"', page.text)) == 3


def test_a_guide_is_never_offered_as_a_survey_on_the_staff_pages_or_the_api(
    app, make_user, councils, client, make_token
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    token = make_token()

    index = browser.get("/facilitator/").text
    listing = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {token}"})

    assert f"/facilitator/surveys/{HOUSES}" not in index
    assert browser.get(f"/facilitator/surveys/{HOUSES}").status_code == 404
    assert browser.get(f"/facilitator/surveys/{HOUSES}/report").status_code == 404
    assert HOUSES not in {survey["id"] for survey in listing.get_json()["surveys"]}
    assert "/facilitator/focus-groups/" in index


def test_consent_is_required_before_a_session_is_saved(app, make_user, councils, database):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")

    reply = start_session(browser, consent_recorded="")

    assert reply.status_code == 400
    assert 'href="#consent_recorded">Confirm that consent was recorded' in reply.text
    assert 'aria-invalid="true"' in reply.text
    # What was typed is kept.
    assert 'name="participants-8-11" value="4"' in reply.text
    with database.session() as session:
        assert session.scalars(select(FocusGroupSession)).all() == []


def test_a_session_needs_someone_to_have_taken_part_and_a_date_not_in_the_future(
    app, make_user, councils
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")

    nobody = start_session(browser, **{"participants-8-11": "", "participants-12-17": "0"})
    future = start_session(browser, held_on=(dt.date.today() + dt.timedelta(days=2)).isoformat())

    assert nobody.status_code == 400
    assert "Say how many took part in at least one age band." in nobody.text
    assert future.status_code == 400
    assert 'href="#held_on"' in future.text and "is in the future" in future.text


def test_items_are_added_over_several_visits_until_the_session_is_closed(
    app, make_user, councils, database
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)

    first = add_item(
        browser, session_page, prompt="house-of-worries", kind="sticky_note", text="Too many people"
    )
    votes = add_item(
        browser,
        session_page,
        prompt="what-matters-most",
        kind="votes",
        **{"votes-fewer-people": "5", "votes-know-why": "3"},
    )
    hands = add_item(
        browser,
        session_page,
        prompt="how-was-it",
        kind="show_of_hands",
        **{"votes-happy": "2", "votes-sad": "4"},
    )
    general = add_item(browser, session_page, prompt="", kind="note", text="Two left early")
    closed = browser.post(
        f"{session_page}/close", data={"csrf_token": csrf_token(browser.get(session_page).text)}
    )
    after = add_item(
        browser, session_page, prompt="house-of-worries", kind="sticky_note", text="One more"
    )

    assert [r.status_code for r in (first, votes, hands, general, closed)] == [303] * 5
    assert after.status_code == 400
    assert "This session is closed: nothing more can be added." in after.text
    recorded = items_of(database)
    assert [(i.prompt_id, i.kind) for i in recorded] == [
        ("house-of-worries", "sticky_note"),
        ("what-matters-most", "votes"),
        ("how-was-it", "show_of_hands"),
        (None, "note"),
    ]
    assert recorded[1].counts == {
        "know-why": 3,
        "fewer-people": 5,
        "say-what-i-think": 0,
        "know-what-was-decided": 0,
        "same-worker": 0,
        "somewhere-comfortable": 0,
    }
    # Words are sealed until the worker anonymises them; counts need no worker.
    assert recorded[0].ciphertext is not None and b"Too many" not in recorded[0].ciphertext
    assert recorded[1].processed and recorded[1].ciphertext is None
    page = browser.get(session_page).text
    assert "Closed on" in page and 'data-form="words"' not in page


def test_an_item_of_the_wrong_kind_or_with_a_bad_count_is_refused_on_its_own_form(
    app, make_user, councils, database
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)

    wrong_kind = add_item(browser, session_page, prompt="magic-wand", kind="votes", text="x")
    bad_count = add_item(
        browser, session_page, prompt="how-was-it", kind="show_of_hands", **{"votes-okay": "-2"}
    )
    empty = add_item(browser, session_page, prompt="house-of-dreams", kind="sticky_note", text=" ")

    assert wrong_kind.status_code == 400
    assert 'href="#magic-wand-kind">An item for a drawing prompt is one of' in wrong_kind.text
    assert bad_count.status_code == 400
    assert 'href="#how-was-it-votes-okay"' in bad_count.text
    assert empty.status_code == 400
    assert 'href="#house-of-dreams-text">Type the words of this item.' in empty.text
    assert items_of(database) == []


# The worker ------------------------------------------------------------------------------------


@EACH_DATABASE
def test_the_worker_anonymises_items_and_destroys_their_raw_words(
    app, make_user, councils, database, worker
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    words = f"Ring me on {PHONE} or email {EMAIL} about the meeting"
    assert (
        add_item(browser, session_page, prompt="house-of-dreams", kind="quote", text=words)
    ).status_code == 303

    worker()

    [item] = items_of(database)
    assert item.processed and item.ciphertext is None and item.raw_destroyed_on is not None
    assert item.redacted is not None and "about the meeting" in item.redacted
    assert PHONE not in item.redacted and EMAIL not in item.redacted
    with database.session() as session:
        destroyed = session.scalars(
            select(AuditEvent.subject).where(AuditEvent.event == "raw_text_destroyed")
        ).all()
    assert f"fg-item:{item.id}" in destroyed
    page = browser.get(session_page).text
    assert "about the meeting" in page and PHONE not in page


def test_anonymised_items_are_read_for_theme_coding_by_council_and_month(
    app, make_user, councils, database, worker
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    suffolk = started(browser)
    norfolk = started(browser, council="Norfolk", held_on="2025-12-02")
    add_item(browser, suffolk, prompt="house-of-worries", kind="sticky_note", text="Scary room")
    add_item(browser, norfolk, prompt="", kind="note", text="Wanted juice")
    add_item(browser, suffolk, prompt="how-was-it", kind="show_of_hands", **{"votes-okay": "3"})

    worker()
    with database.session() as session:
        everything = list(read_every_voice(session, ItemQuery()))
        suffolk_only = list(read_items(session, ItemQuery(frozenset({councils["Suffolk"]}))))
        december = list(
            read_items(session, ItemQuery(start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 1)))
        )

    assert [(i.source, i.text, i.month, i.prompt) for i in everything] == [
        (Source.FOCUS_GROUP, "Scary room", dt.date(2025, 11, 1), "The house of worries"),
        (Source.FOCUS_GROUP, "Wanted juice", dt.date(2025, 12, 1), "General notes"),
    ]
    assert all(re.fullmatch(r"fg-item:\d+", i.ref) for i in everything)
    assert [i.text for i in suffolk_only] == ["Scary room"]
    assert [i.text for i in december] == ["Wanted juice"]


@EACH_DATABASE
def test_an_item_that_suggests_a_child_is_at_risk_alerts_the_councils_lead_once_per_session(
    app, make_user, councils, database, worker
):
    make_user("lead@example.org", "safeguarding_lead", "Suffolk")
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    worrying = "my dad hits me when he is angry and I am scared to go home tonight"
    add_item(browser, session_page, prompt="house-of-worries", kind="sticky_note", text=worrying)
    add_item(browser, session_page, prompt="magic-wand", kind="quote", text=worrying)

    worker()

    with database.session() as session:
        concerns = session.scalars(select(Concern)).all()
        kept = session.scalars(select(ConcernText.question_id)).all()
        found = session.scalars(select(FocusGroupSession)).one()
    assert len(concerns) == 1
    assert concerns[0].council_id == councils["Suffolk"] and found.concern_id == concerns[0].id
    assert sorted(kept) == sorted(
        f"fg-item:{item.id}: focus group held {HELD_ON}, {title}"
        for item, title in zip(items_of(database), PROMPT_TITLES, strict=True)
    )
    # The research copy is anonymised and its raw words destroyed all the same.
    assert all(item.ciphertext is None for item in items_of(database))


def test_the_sweeper_resends_items_whose_message_was_lost(
    app, make_user, councils, database, worker
):
    from workers import sweeper

    background = app.extensions["background_work"]
    background.process_focus_group_items = lambda item_ids: None  # the message is lost
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    add_item(browser, session_page, prompt="house-of-dreams", kind="sticky_note", text="A sofa")
    worker()
    assert items_of(database)[0].redacted is None

    seen = sweeper.sweep_focus_group_items()
    worker()

    [item] = items_of(database)
    assert seen == {item.id}
    assert item.redacted == "A sofa" and item.ciphertext is None


def test_an_item_that_cannot_be_read_is_held_back_encrypted_and_never_quoted_in_the_log(
    app, make_user, councils, database, worker, caplog
):
    from survey_app.crypto import TextVault
    from workers import sweeper

    app.extensions["background_work"].process_focus_group_items = lambda item_ids: None
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    add_item(browser, session_page, prompt="house-of-dreams", kind="quote", text="Nobody listens")
    unreadable = TextVault(TextVault.generate_key()).seal("Jo Bloggs never listens")
    with database.session() as session:
        session.scalars(select(FocusGroupItem)).one().ciphertext = unreadable
        session.commit()

    sweeper.sweep_focus_group_items()
    worker()

    [item] = items_of(database)
    assert item.held_back and not item.processed and item.processing_attempts == 1
    assert item.ciphertext == unreadable and item.redacted is None
    with database.session() as session:
        assert list(read_items(session, ItemQuery())) == []
        failed = session.scalars(
            select(AuditEvent.subject).where(AuditEvent.event == "anonymisation_failed")
        ).all()
    assert failed == [f"fg-item:{item.id}"]
    assert "Jo Bloggs" not in caplog.text and "listens" not in caplog.text
    assert "held back" in browser.get(session_page).text


# Photos ----------------------------------------------------------------------------------------


def photo_with_metadata(size: tuple[int, int] = (3000, 2000)) -> bytes:
    """A camera JPEG: EXIF with the camera's make and a GPS position, and a comment."""
    image = Image.new("RGB", size, (200, 180, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0132] = "2025:11:10 14:23:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 3.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Jo Bloggs drew this")
    return out.getvalue()


@EACH_DATABASE
def test_a_photo_is_kept_without_metadata_resized_and_only_its_hash_in_the_database(
    app, make_user, councils, database, tmp_path
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    original = photo_with_metadata()
    assert b"SecretCam" in original and b"Jo Bloggs" in original

    reply = upload(browser, session_page, original, "IMG_0001.jpg")

    assert reply.status_code == 303, reply.text
    [item] = items_of(database)
    assert item.kind == "photo" and item.prompt_id == "magic-wand"
    stored = photo_path(tmp_path / "photos", item.photo_hash or "")
    kept = stored.read_bytes()
    assert hashlib.sha256(kept).hexdigest() == item.photo_hash
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 1600 and image.size == (1600, 1067)
        assert not image.getexif()
        assert not {"exif", "icc_profile", "comment"} & set(image.info)
    assert b"SecretCam" not in kept and b"Jo Bloggs" not in kept and b"Exif" not in kept
    # Nothing under the upload's own name.
    assert not list((tmp_path / "photos").rglob("IMG_0001*"))


def test_a_png_drawing_loses_its_text_chunks_and_is_kept_as_a_jpeg(
    app, make_user, councils, database, tmp_path
):
    from PIL.PngImagePlugin import PngInfo

    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    text = PngInfo()
    text.add_text("Author", "Jo Bloggs")
    out = io.BytesIO()
    Image.new("RGBA", (400, 300), (0, 0, 255, 128)).save(out, "PNG", pnginfo=text)

    assert upload(browser, session_page, out.getvalue(), "drawing.png").status_code == 303

    [item] = items_of(database)
    kept = photo_path(tmp_path / "photos", item.photo_hash or "").read_bytes()
    assert b"Jo Bloggs" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and image.size == (400, 300)


def test_an_iphone_heic_photo_is_taken_and_kept_as_a_jpeg_without_its_metadata(
    app, make_user, councils, database, tmp_path
):
    from pillow_heif import register_heif_opener

    register_heif_opener()
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 30)).save(out, "HEIF", exif=exif.tobytes())
    assert b"SecretCam" in out.getvalue()

    assert upload(browser, session_page, out.getvalue(), "IMG_0002.HEIC").status_code == 303

    [item] = items_of(database)
    kept = photo_path(tmp_path / "photos", item.photo_hash or "").read_bytes()
    assert b"SecretCam" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and image.size == (640, 480) and not image.getexif()


def huge_png_header() -> bytes:
    """A PNG whose header claims 30000 x 30000 pixels (a decompression bomb's first bytes)."""
    out = io.BytesIO()
    Image.new("L", (8, 8)).save(out, "PNG")
    small = out.getvalue()
    header = struct.pack(">II", 30_000, 30_000) + small[24:29]
    chunk = b"IHDR" + header
    return (
        small[:8]
        + struct.pack(">I", 13)
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + (small[33:])
    )


def hostile_files() -> list[tuple[str, bytes, str, str]]:
    good = photo_with_metadata((800, 600))
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    return [
        ("truncated", good[: len(good) // 2], "cut.jpg", "could not be read"),
        ("not an image", b"<script>alert(1)</script>" * 10, "evil.jpg", "is not a JPEG, PNG"),
        ("a gif", gif.getvalue(), "anim.gif", "is not a JPEG, PNG"),
        ("a decompression bomb", huge_png_header(), "bomb.png", "too many pixels"),
        ("over 10 MB", good + b"\0" * (MAX_BYTES + 1 - len(good)), "big.jpg", "larger than 10 MB"),
        ("empty", b"", "empty.jpg", "Choose a photo to upload."),
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [case[1:] for case in hostile_files()],
    ids=[case[0] for case in hostile_files()],
)
def test_a_hostile_or_broken_file_is_refused_with_a_clear_message(
    app, make_user, councils, database, tmp_path, data, name, message
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    session_page = started(browser)

    reply = upload(browser, session_page, data, name)

    assert reply.status_code == 400
    assert 'href="#magic-wand-photo">' in reply.text and message in reply.text
    assert items_of(database) == []
    assert not (tmp_path / "photos").exists() or not list((tmp_path / "photos").rglob("*.jpg"))


def test_a_photo_cut_short_is_refused_even_after_the_report_library_let_pillow_pad_them() -> None:
    import weasyprint  # noqa: F401 (importing it turns Pillow's LOAD_TRUNCATED_IMAGES on)

    good = photo_with_metadata((800, 600))
    assert ImageFile.LOAD_TRUNCATED_IMAGES

    with pytest.raises(PhotoRefused, match="could not be read"):
        clean_photo(good[: len(good) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the reports still get what they asked for
    assert clean_photo(good)


# Council isolation -----------------------------------------------------------------------------


def test_each_role_sees_and_records_only_the_sessions_of_councils_it_may_see(
    app, make_user, councils, database, tmp_path
):
    facilitator = signed_in(app, make_user, "f@example.org", "facilitator")
    suffolk_page = started(facilitator)
    assert upload(facilitator, suffolk_page, photo_with_metadata((300, 200)), "a.jpg").status_code
    photo = re.search(r'src="([^"]+\.jpg)"', facilitator.get(suffolk_page).text)
    assert photo is not None
    photo_url = photo.group(1)
    norfolk_lead = signed_in(app, make_user, "n@example.org", "council_lead", "Norfolk")
    suffolk_lead = signed_in(app, make_user, "s@example.org", "council_lead", "Suffolk")
    admin = signed_in(app, make_user, "a@example.org", "admin")
    safeguarding = signed_in(app, make_user, "sg@example.org", "safeguarding_lead", "Suffolk")
    app.test_client_class = HttpsClient
    nobody = app.test_client()

    # Regional staff and the council's own lead see the session and its photo.
    for browser in (facilitator, admin, suffolk_lead):
        assert browser.get(suffolk_page).status_code == 200
        assert browser.get(photo_url).status_code == 200
        assert browser.get(photo_url).headers["Cache-Control"] == "private, no-store"
        assert "Suffolk" in browser.get("/facilitator/focus-groups/").text
    # Another council's lead and a safeguarding lead see nothing, as if it did not exist.
    for browser in (norfolk_lead, safeguarding):
        assert browser.get(suffolk_page).status_code == 404
        assert browser.get(photo_url).status_code == 404
    assert 'data-session="' not in norfolk_lead.get("/facilitator/focus-groups/").text
    assert norfolk_lead.post(f"{suffolk_page}/close").status_code in (400, 404)
    assert safeguarding.get("/facilitator/focus-groups/").status_code == 404
    # Nobody signed in is sent to sign in.
    assert nobody.get(photo_url).status_code == 302
    # A council lead can choose only their own council, and cannot record for another.
    form = norfolk_lead.get(f"/facilitator/focus-groups/new/{HOUSES}").text
    assert "<option selected>Norfolk</option>" in form and "Suffolk" not in form
    refused = start_session(norfolk_lead, council="Suffolk")
    assert refused.status_code == 400
    assert "Choose a council you record sessions for." in refused.text
    with database.session() as session:
        assert session.scalars(select(FocusGroupSession.council_id)).all() == [councils["Suffolk"]]


# The API ---------------------------------------------------------------------------------------


@pytest.fixture
def make_token(database: Database, make_user: Callable[..., User]) -> Callable[..., str]:
    def make(email: str = "api@example.org", **user: str) -> str:
        make_user(email, **user)
        with database.session() as session:
            token = operations.create_api_token(session, email)
            session.commit()
        return token

    return make


def a_session(**changes: Any) -> dict[str, Any]:
    return {
        "guide": HOUSES,
        "council": "Suffolk",
        "held_on": HELD_ON,
        "participants": {"8-11": 5, "12-17": 3},
        "consent_recorded": True,
        "items": [
            {"prompt": "house-of-worries", "kind": "sticky_note", "text": "Lots of people"},
            {"prompt": "what-matters-most", "kind": "votes", "votes": {"know-why": 6}},
            {"kind": "note", "text": "Two children came with their advocate"},
        ],
        **changes,
    }


@EACH_DATABASE
def test_the_api_records_a_session_and_its_items(client, councils, make_token, database, worker):
    token = make_token()

    reply = client.post(
        "/api/v1/focus-groups", json=a_session(), headers={"Authorization": f"Bearer {token}"}
    )

    assert reply.status_code == 201, reply.get_data(as_text=True)
    body = reply.get_json()
    assert body["guide"] == HOUSES and body["held_on"] == HELD_ON
    assert [(i["prompt"], i["kind"]) for i in body["items"]] == [
        ("house-of-worries", "sticky_note"),
        ("what-matters-most", "votes"),
        (None, "note"),
    ]
    assert body["items"][1]["votes"]["know-why"] == 6
    worker()
    with database.session() as session:
        found = session.get(FocusGroupSession, body["id"])
        assert found is not None and found.participants == {"4-7": 0, "8-11": 5, "12-17": 3}
        assert [item.redacted for item in found.items] == [
            "Lots of people",
            None,
            "Two children came with their advocate",
        ]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"consent_recorded": False}, "consent_recorded", "consent_recorded"),
        ({"held_on": "10/11/2025"}, "held_on", "YYYY-MM-DD"),
        ({"guide": "child-cp-conference"}, "guide", "focus-group guides"),
        ({"participants": {"8-11": "lots"}}, "participants.8-11", "whole number"),
        ({"participants": {"adult": 3}}, "participants", "not adult"),
        # A Suffolk lead naming Norfolk: refused as if Norfolk were not there.
        ({"council": "Norfolk"}, "council", "Choose a council"),
        ({"items": [{"prompt": "nope", "kind": "note", "text": "x"}]}, "items[0].prompt", "nope"),
        ({"items": [{"prompt": "magic-wand", "kind": "votes"}]}, "items[0].kind", "one of"),
        (
            {"items": [{"kind": "note", "text": "ok"}, {"kind": "note", "text": ""}]},
            "items[1].text",
            "Type the words",
        ),
        (
            {"items": [{"prompt": "how-was-it", "kind": "show_of_hands", "votes": {"wow": 1}}]},
            "items[0].votes",
            "not wow",
        ),
        ({"name": "Jo"}, "name", "Unknown field"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_half_saved(
    client, councils, make_token, database, changes, field, words
):
    token = make_token("lead@example.org", role="council_lead", council="Suffolk")

    reply = client.post(
        "/api/v1/focus-groups",
        json=a_session(**changes),
        headers={"Authorization": f"Bearer {token}"},
    )

    assert reply.status_code == 400, reply.get_data(as_text=True)
    body = reply.get_json()
    assert body["field"] == field and words in body["error"]
    with database.session() as session:
        assert session.scalars(select(FocusGroupSession)).all() == []
        assert session.scalars(select(FocusGroupItem)).all() == []


def test_the_api_refuses_without_a_token_and_for_safeguarding_leads(client, councils, make_token):
    lead = make_token("sg@example.org", role="safeguarding_lead", council="Suffolk")

    assert client.post("/api/v1/focus-groups", json=a_session()).status_code == 401
    refused = client.post(
        "/api/v1/focus-groups", json=a_session(), headers={"Authorization": f"Bearer {lead}"}
    )
    assert refused.status_code == 404


def test_an_error_never_quotes_an_items_words(client, councils, make_token):
    token = make_token()
    words = "Jo Bloggs said something private " * 200

    reply = client.post(
        "/api/v1/focus-groups",
        json=a_session(items=[{"kind": "note", "text": words}]),
        headers={"Authorization": f"Bearer {token}"},
    )

    assert reply.status_code == 400
    assert "Jo Bloggs" not in reply.get_data(as_text=True)


# Totals ----------------------------------------------------------------------------------------


def test_vote_and_hand_totals_add_up_per_prompt_for_a_council_and_quarter(
    app, make_user, councils, database
):
    browser = signed_in(app, make_user, "f@example.org", "facilitator")
    first = started(browser, held_on="2025-10-01")
    second = started(browser, held_on="2025-12-31")
    earlier = started(browser, held_on="2025-09-30")
    elsewhere = started(browser, council="Norfolk", held_on="2025-11-01")
    for page, know_why in ((first, 2), (second, 5), (earlier, 40), (elsewhere, 50)):
        add_item(
            browser,
            page,
            prompt="what-matters-most",
            kind="votes",
            **{"votes-know-why": str(know_why), "votes-same-worker": "1"},
        )
    add_item(browser, first, prompt="how-was-it", kind="show_of_hands", **{"votes-happy": "3"})
    add_item(browser, second, prompt="how-was-it", kind="show_of_hands", **{"votes-happy": "1"})

    with database.session() as session:
        totals = vote_totals(session, councils["Suffolk"], "2025-Q4")
        same = vote_totals(session, councils["Suffolk"], dt.date(2025, 11, 15))

    assert totals == same
    by_prompt = {(t.prompt_id, t.kind.value): t for t in totals}
    assert set(by_prompt) == {("what-matters-most", "votes"), ("how-was-it", "show_of_hands")}
    votes = by_prompt[("what-matters-most", "votes")]
    assert votes.counts["know-why"] == 7 and votes.counts["same-worker"] == 2
    assert votes.sessions == 2 and votes.guide_id == HOUSES
    assert by_prompt[("how-was-it", "show_of_hands")].counts["happy"] == 4
