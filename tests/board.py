"""Results the size of the demo the issue was tried on, for the report tests: 110 children in
one council (both age bands, every question) and 95 practitioners in another (paired at meeting
one and meeting four, a few unpaired), answered in a fixed pseudo-random way."""

from __future__ import annotations

import random

from flask import Flask

from survey_app import operations
from survey_app.respondent.journey import PERSONAL_CODE_KEY, WAVE_KEY
from tests.conftest import make_council
from tests.programmes import WAVES, wave_distribution
from tests.submissions import submit

CHILDREN_COUNCIL = "Suffolk"
PRACTITIONERS_COUNCIL = "Norfolk"
YOUNGER, OLDER = 45, 65  # 110 children
PAIRED, UNPAIRED = 45, 5  # 95 practitioner responses


def seed_children(app: Flask, council: str = CHILDREN_COUNCIL) -> None:
    """110 children answer the conference survey: 45 aged 8 to 11, 65 aged 12 to 17."""
    chance = random.Random(11)
    definition = app.extensions["surveys"]["child-cp-conference"]
    with app.extensions["database"].session() as session:
        make_council(session, council)
        distribution = operations.create_distribution(
            session, "child-cp-conference", council, "CP conferences"
        )
        session.commit()
    for band, children in (("8-11", YOUNGER), ("12-17", OLDER)):
        for _ in range(children):
            answers: dict[str, object] = {}
            for question in definition.questions:
                if not question.is_choice:
                    continue
                options = [o.id for o in question.for_band(band).options]
                if question.kind == "multiple_choice":
                    if answers.get("went_to_meeting") in ("no", "not_sure"):
                        answers[question.id] = chance.sample(options, chance.choice((1, 2)))
                    continue
                # Leaning to the upper options, as real children's answers often do.
                weights = [1 + position for position in range(len(options))]
                if question.kind == "yes_no_not_sure" or question.id == "understood_decision":
                    weights = list(reversed(weights))
                answers[question.id] = chance.choices(options, weights)[0]
            submit(app, distribution, age_band=band, **answers)


def seed_practitioners(app: Flask, council: str = PRACTITIONERS_COUNCIL) -> None:
    """95 practitioner responses: 45 at both meetings with a code, and 5 more at meeting one."""
    chance = random.Random(12)
    definition = app.extensions["surveys"]["practitioner-skills"]
    items = [q for q in definition.questions if q.kind == "scale" and not q.retrospective_of]
    looks_back = [q for q in definition.questions if q.retrospective_of]
    feedback = [q for q in definition.questions if q.waves and not q.retrospective_of]
    roles = [o.id for o in next(q for q in definition.questions if q.id == "role").options]
    one, four = wave_distribution(app, council, WAVES[0]), wave_distribution(app, council, WAVES[1])
    for number in range(PAIRED + UNPAIRED):
        code = f"{council[:2].upper()}{number:06d}".replace("0", "A").replace("1", "B")
        before = {item.id: chance.choice((1, 2, 2, 3, 3, 4)) for item in items}
        first: dict[str, object] = {WAVE_KEY: WAVES[0], "role": chance.choice(roles)}
        first.update({key: str(value) for key, value in before.items()})
        if number < PAIRED:
            first[PERSONAL_CODE_KEY] = code
        submit(app, one, **first)
        if number >= PAIRED:
            continue
        later: dict[str, object] = {WAVE_KEY: WAVES[1], PERSONAL_CODE_KEY: code}
        later["role"] = first["role"]
        for item in items:
            later[item.id] = str(min(5, before[item.id] + chance.choice((0, 1, 1, 2))))
        for question in looks_back:
            earlier = before[question.retrospective_of or ""]
            later[question.id] = str(max(1, earlier - chance.choice((0, 1))))
        for question in feedback:
            later[question.id] = chance.choice(("excellent", "good", "good", "fair"))
        submit(app, four, **later)
