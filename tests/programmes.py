"""A practitioners' programme on the shipped surveys, for the tests of linking, pre/post downloads,
counted members and reports: meeting one and meeting four, and ratings given at both."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey_app import operations
from survey_app.models import Distribution
from survey_app.respondent.journey import PERSONAL_CODE_KEY, WAVE_KEY
from tests.conftest import make_council
from tests.submissions import submit

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
WAVES = ("meeting_one", "meeting_four")
ITEM = "knowledge_childrens_rights"
LOOK_BACK = "before_knowledge_childrens_rights"


def wave_distribution(app: Flask, council: str, wave: str) -> Distribution:
    """A practitioner-skills distribution of the council for one meeting of the programme."""
    with app.extensions["database"].session() as session:
        make_council(session, council)
        made = operations.create_distribution(
            session, "practitioner-skills", council, f"Programme, {wave}", wave=wave, waves=WAVES
        )
        session.commit()
        return made


def run_programme(
    app: Flask,
    council: str,
    before: list[int],
    after: list[int],
    look_back: list[int] | None = None,
    unpaired_before: tuple[int, ...] | list[int] = (),
    unpaired_after: tuple[int, ...] | list[int] = (),
) -> None:
    """Each practitioner answers at meeting one with a code and at meeting four with it."""
    one, four = wave_distribution(app, council, WAVES[0]), wave_distribution(app, council, WAVES[1])
    for number, (then, now) in enumerate(zip(before, after, strict=True)):
        code = f"{council[:2].upper()}{number:06d}".replace("0", "A").replace("1", "B")
        submit(app, one, **{WAVE_KEY: WAVES[0], PERSONAL_CODE_KEY: code, ITEM: str(then)})
        later = {WAVE_KEY: WAVES[1], PERSONAL_CODE_KEY: code, ITEM: str(now)}
        if look_back is not None:
            later[LOOK_BACK] = str(look_back[number])
        submit(app, four, **later)
    for rating in unpaired_before:
        submit(app, one, **{WAVE_KEY: WAVES[0], ITEM: str(rating)})
    for rating in unpaired_after:
        submit(app, four, **{WAVE_KEY: WAVES[1], ITEM: str(rating)})
