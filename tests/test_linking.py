"""Meeting one and meeting four linked by a personal code that is never stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey_app import operations
from survey_app.db import Database
from survey_app.models import AnswerCount, Base, DistributionTotal, SurveyResponse
from survey_app.respondent import linking
from tests.conftest import Child, HttpsClient, csrf_token, make_council
from tests.programmes import SHIPPED, WAVES

LINK_KEY = "test link key for hashing personal codes"


@pytest.fixture
def programme(make_app: Callable[..., Flask]) -> Flask:
    return make_app(SURVEY_DIR=str(SHIPPED))


def distribution_for(app: Flask, wave: str) -> str:
    with app.extensions["database"].session() as session:
        make_council(session, "Norfolk")
        code = operations.create_distribution(
            session, "practitioner-skills", "Norfolk", f"Programme, {wave}", wave=wave, waves=WAVES
        ).code
        session.commit()
        return code


def practitioner(app: Flask) -> Any:
    app.test_client_class = HttpsClient
    return app.test_client()


def answer(client: Any, code: str, rating: str, **link: str) -> Child:
    person = Child(client, code)
    person.start()
    assert person.step == "code"
    if "personal_code" not in link:  # send what the page filled in, as a browser would
        shown = re.search(r'name="personal_code" value="([^"]*)"', person.last.text)
        link = {"personal_code": shown.group(1) if shown else "", **link}
    person.answer(**link)
    person.answer(role="social_worker")
    person.answer(knowledge_childrens_rights=rating)
    person.answer(skill_communicating_with_children=rating)
    while person.step not in ("check",):
        person.answer()
    person.send()
    return person


def personal_code_on(page: str) -> str:
    found = re.search(r'data-personal-code="([^"]+)"', page)
    assert found, "no personal code on the thank-you page"
    return found.group(1)


def saved(app: Flask) -> list[SurveyResponse]:
    with app.extensions["database"].session() as session:
        return list(session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)))


def drain(worker: Callable[[], None]) -> None:
    worker()


def test_meeting_one_gives_a_readable_code_and_stores_only_its_keyed_hash(
    programme: Flask,
) -> None:
    one = distribution_for(programme, "meeting_one")
    person = answer(practitioner(programme), one, "2")
    code = personal_code_on(person.last.text)
    assert re.fullmatch(r"[346779ACDEFGHJKMNPQRTUVWXY]{4}-[346779ACDEFGHJKMNPQRTUVWXY]{4}", code)
    [response] = saved(programme)
    normal = code.replace("-", "")
    assert response.link_hash == linking.link_hash(LINK_KEY, "practitioner-skills", "code", normal)
    database: Database = programme.extensions["database"]
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                assert normal not in " ".join(map(str, row)), table.name


def test_meeting_four_with_the_code_typed_loosely_pairs_with_meeting_one(
    programme: Flask,
) -> None:
    one, four = (
        distribution_for(programme, "meeting_one"),
        distribution_for(programme, "meeting_four"),
    )
    code = personal_code_on(answer(practitioner(programme), one, "2").last.text)
    other_phone = practitioner(programme)  # no cookie: the code is typed by hand
    person = Child(other_phone, four)
    person.start()
    assert 'name="personal_code"' in person.last.text
    person.answer(personal_code=code.lower().replace("-", " "))
    person.answer(role="social_worker")
    person.answer(knowledge_childrens_rights="4")
    page = person.answer(skill_communicating_with_children="4")
    assert "Looking back" in page.text  # retrospective items only at meeting four
    while person.step != "check":
        person.answer()
    person.send()
    first, last = saved(programme)
    assert (first.wave, last.wave) == WAVES
    assert first.link_hash == last.link_hash is not None


def test_meeting_one_does_not_ask_the_looking_back_or_programme_questions(
    programme: Flask,
) -> None:
    person = answer(practitioner(programme), distribution_for(programme, "meeting_one"), "3")
    assert "before_knowledge_childrens_rights" not in saved(programme)[0].answers
    assert person.last.status_code == 200


def test_the_code_is_filled_in_on_the_same_phone_next_time(programme: Flask) -> None:
    phone = practitioner(programme)
    one, four = (
        distribution_for(programme, "meeting_one"),
        distribution_for(programme, "meeting_four"),
    )
    code = personal_code_on(answer(phone, one, "2").last.text)
    person = Child(phone, four)
    person.start()
    assert f'value="{code}"' in person.last.text


def test_answering_the_same_wave_again_replaces_the_earlier_answer_and_counts_once(
    programme: Flask, worker: Callable[[], None]
) -> None:
    phone = practitioner(programme)
    one = distribution_for(programme, "meeting_one")
    answer(phone, one, "2")
    worker()
    answer(phone, one, "5")  # same phone: the kept code is filled in, so it is the same person
    worker()
    first, second = saved(programme)
    assert first.link_hash == second.link_hash
    assert first.superseded and not second.superseded
    database: Database = programme.extensions["database"]
    with database.session() as session:
        assert session.scalar(select(func.sum(DistributionTotal.responses))) == 1
        ratings = dict(
            session.execute(
                select(AnswerCount.option, AnswerCount.count).where(
                    AnswerCount.question_id == "knowledge_childrens_rights"
                )
            ).all()
        )
    assert ratings.get("5") == 1 and ratings.get("2", 0) == 0


def test_an_unknown_code_is_accepted_and_simply_left_unpaired(programme: Flask) -> None:
    four = distribution_for(programme, "meeting_four")
    person = answer(practitioner(programme), four, "3", personal_code="not a real code!!")
    assert "Thank you" in person.last.text
    [response] = saved(programme)
    assert response.link_hash is not None and response.wave == "meeting_four"


def test_the_self_generated_code_pairs_people_who_lost_their_personal_code(
    programme: Flask,
) -> None:
    one, four = (
        distribution_for(programme, "meeting_one"),
        distribution_for(programme, "meeting_four"),
    )
    answer(practitioner(programme), one, "2", self_initial="m", self_day="7", self_street="K")
    answer(practitioner(programme), four, "4", self_initial="M", self_day="07", self_street="k")
    first, last = saved(programme)
    assert first.self_link_hash == last.self_link_hash is not None
    assert first.link_hash != last.link_hash  # a new code was given at meeting one only


def test_a_day_of_birth_out_of_range_is_explained_and_nothing_else_is_lost(
    programme: Flask,
) -> None:
    person = Child(practitioner(programme), distribution_for(programme, "meeting_one"))
    person.start()
    page = person.answer(self_initial="M", self_day="45", self_street="K")
    assert page.status_code == 422
    assert "Enter a number from 1 to 31" in page.text
    assert 'value="M"' in page.text


@pytest.mark.parametrize("typed", ["²", "٣", "+5", "1_0"])
def test_a_day_of_birth_not_in_plain_digits_is_explained_not_an_error(
    programme: Flask, typed: str
) -> None:
    person = Child(practitioner(programme), distribution_for(programme, "meeting_one"))
    person.start()
    page = person.answer(personal_code="", self_initial="J", self_day=typed, self_street="M")
    assert page.status_code == 422
    assert "Enter a number from 1 to 31" in page.text


def test_a_distribution_of_a_survey_with_waves_must_say_which_wave(programme: Flask) -> None:
    with programme.extensions["database"].session() as session:
        make_council(session, "Norfolk")
        with pytest.raises(operations.OperationError, match="Choose the wave"):
            operations.create_distribution(
                session, "practitioner-skills", "Norfolk", "Programme", waves=WAVES
            )
        with pytest.raises(operations.OperationError, match="not a wave"):
            operations.create_distribution(
                session, "practitioner-skills", "Norfolk", "Programme", wave="x", waves=WAVES
            )


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [("kt7m-4pxd", "KT7M4PXD"), (" KT7M 4PXD ", "KT7M4PXD"), ("Kt7m.4pxD", "KT7M4PXD")],
)
def test_a_code_means_the_same_however_it_is_typed(typed: str, meaning: str) -> None:
    assert linking.normalise_personal_code(typed) == meaning


def test_hashes_differ_between_programmes_and_keys() -> None:
    one = linking.link_hash("key", "programme-a", "code", "KT7M4PXD")
    assert one != linking.link_hash("key", "programme-b", "code", "KT7M4PXD")
    assert one != linking.link_hash("other key", "programme-a", "code", "KT7M4PXD")
    assert len(one) == 64


def test_the_thank_you_page_title_is_plain_words_even_with_a_personal_code(
    programme: Flask,
) -> None:
    person = answer(practitioner(programme), distribution_for(programme, "meeting_one"), "2")
    title = re.search(r"<title>(.*?)</title>", person.last.text, re.DOTALL)
    assert title and "<" not in title.group(1) and title.group(1).startswith("Thank you")
    assert person.last.text.count("data-personal-code=") == 1


# Keeping a code on another phone needs its owner; a planted code replaces nothing ---------------

OTHER_CODE = "AC3D-9PQR"  # a code whoever sent a link knows


def code_cookie(client: Any) -> Any:
    return client.get_cookie("code-practitioner-skills", path="/s")


def test_opening_a_keep_code_link_shows_the_code_and_keeps_nothing_until_its_owner_presses(
    programme: Flask,
) -> None:
    four = distribution_for(programme, "meeting_four")
    phone = practitioner(programme)

    page = phone.get(f"/s/{four}/keep-code/{OTHER_CODE}")

    assert page.status_code == 200
    assert personal_code_on(page.text) == OTHER_CODE
    assert "Keep my code on this phone" in page.text
    assert "If someone else sent you this link, do not keep it" in page.text
    assert code_cookie(phone) is None
    person = Child(phone, four)
    person.start()
    assert f'value="{OTHER_CODE}"' not in person.last.text


def test_pressing_keep_on_the_keep_code_page_keeps_the_code_for_next_time(
    programme: Flask,
) -> None:
    four = distribution_for(programme, "meeting_four")
    phone = practitioner(programme)
    page = phone.get(f"/s/{four}/keep-code/{OTHER_CODE}")

    kept = phone.post(
        f"/s/{four}/keep-code/{OTHER_CODE}", data={"csrf_token": csrf_token(page.text)}
    )

    assert kept.status_code == 200
    assert "Your personal code is kept on this phone for next time." in kept.text
    person = Child(phone, four)
    person.start()
    assert f'value="{OTHER_CODE}"' in person.last.text


def test_keeping_a_code_without_the_pages_form_token_is_refused(programme: Flask) -> None:
    four = distribution_for(programme, "meeting_four")
    phone = practitioner(programme)

    refused = phone.post(f"/s/{four}/keep-code/{OTHER_CODE}", data={})
    forged = phone.post(f"/s/{four}/keep-code/{OTHER_CODE}", data={"csrf_token": "0" * 64})

    assert refused.status_code == forged.status_code == 400
    assert code_cookie(phone) is None


def test_a_planted_code_cookie_is_not_filled_in_and_lets_no_one_replace_the_answer(
    programme: Flask, worker: Callable[[], None]
) -> None:
    four = distribution_for(programme, "meeting_four")
    victim = practitioner(programme)
    # A code cookie the server did not keep (as a link planted one before keeping needed a
    # press, or a cookie forged some other way).
    victim.set_cookie(
        "code-practitioner-skills", OTHER_CODE, domain="localhost", path="/s", secure=True
    )
    person = answer(victim, four, "2")  # sends what the code page filled in, as a browser would
    assert "data-personal-code" not in person.last.text
    worker()

    answer(practitioner(programme), four, "5", personal_code=OTHER_CODE)  # whoever planted it
    worker()

    theirs, later = saved(programme)
    assert theirs.link_hash is None and not theirs.superseded
    assert later.link_hash is not None and not later.superseded


def test_a_code_kept_in_a_draft_without_coming_through_the_code_page_neither_pairs_nor_replaces(
    programme: Flask,
) -> None:
    from survey_app.models import utcnow
    from survey_app.respondent import submission
    from survey_app.respondent.drafts import DraftState
    from survey_app.respondent.journey import PERSONAL_CODE_KEY, WAVE_KEY

    definition = programme.extensions["surveys"]["practitioner-skills"]
    vault = programme.extensions["vault"]
    answers = {WAVE_KEY: "meeting_four", PERSONAL_CODE_KEY: "KT7M4PXD"}

    unvouched = submission.build_response(
        definition, 1, vault, DraftState(dict(answers), []), "en", LINK_KEY, sent_at=utcnow()
    )
    typed = submission.build_response(
        definition,
        1,
        vault,
        DraftState({**answers, "_code_from_page": True}, []),
        "en",
        LINK_KEY,
        sent_at=utcnow(),
    )

    assert unvouched.row["link_hash"] is None and unvouched.personal_code is None
    assert typed.row["link_hash"] == linking.link_hash(
        LINK_KEY, "practitioner-skills", "code", "KT7M4PXD"
    )
