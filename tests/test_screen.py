"""The risk screen reads free text as a careful person would: the dev set's rules as tests."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from survey_app.safeguarding.evaluate import load, score
from survey_app.safeguarding.screen import (
    MAX_CHARACTERS,
    Level,
    Screening,
    Trust,
    decide,
    screen,
)

DATA = Path(__file__).parent / "data"
DEV = {row["id"]: row for row in map(json.loads, (DATA / "risk-dev.jsonl").open(encoding="utf-8"))}

# The contrast pairs listed in tests/data's risk-dev README: the same phrase, once risky, once not.
CONTRAST_PAIRS = [
    (["rdev-159"], ["rdev-097"]),
    (["rdev-138"], ["rdev-065"]),
    (["rdev-025"], ["rdev-210"]),
    (["rdev-177"], ["rdev-051", "rdev-044"]),
    (["rdev-148"], ["rdev-123"]),
    (["rdev-016", "rdev-182"], ["rdev-018", "rdev-224"]),
    (["rdev-042"], ["rdev-034"]),
    (["rdev-031", "rdev-214"], ["rdev-055", "rdev-190"]),
    (["rdev-088"], ["rdev-139"]),
    (["rdev-046"], ["rdev-266"]),
    (["rdev-269", "rdev-271"], ["rdev-243"]),
    (["rdev-162", "rdev-280"], ["rdev-050"]),
    (["rdev-132"], ["rdev-010"]),
    (["rdev-054"], ["rdev-184", "rdev-072"]),
    (["rdev-222", "rdev-291"], ["rdev-249", "rdev-270", "rdev-259"]),
    (["rdev-186", "rdev-207"], ["rdev-265"]),
    (["rdev-064"], ["rdev-155", "rdev-172"]),
]


def level(text: str, source: str = "child") -> Level:
    return screen(text, source).level


def dev_level(example_id: str) -> Level:
    row = DEV[example_id]
    return level(row["text"], row["source"])


@pytest.mark.parametrize(
    ("risky", "safe"), CONTRAST_PAIRS, ids=[pair[0][0] for pair in CONTRAST_PAIRS]
)
def test_each_contrast_pair_alerts_on_the_risky_text_and_not_on_the_other(
    risky: list[str], safe: list[str]
) -> None:
    assert {example: dev_level(example) for example in risky} == dict.fromkeys(risky, Level.ALERT)
    assert {example: dev_level(example) for example in safe} == dict.fromkeys(safe, Level.NONE)


def test_a_joke_about_dying_is_not_risk_but_the_same_words_said_seriously_are() -> None:
    assert level("omg kms this survey is taking forever 😭") == Level.NONE
    assert level("dying of boredom in there ngl") == Level.NONE
    assert level("gonna kil my brother he used all the hot water again") == Level.NONE
    assert level("ngl i wanna kms and im not joking this time") == Level.ALERT
    assert level("i'll kil myself. i mean it this time") == Level.ALERT


def test_figures_of_speech_about_success_and_anger_are_not_risk() -> None:
    assert level("Z asked me to tell you he is killing it at college", "advocate") == Level.NONE
    assert level("im dead 💀💀 the chair called me by my brothers name") == Level.NONE
    assert level("the IRO is a joke. she doesnt even know my name") == Level.NONE
    assert level("ur all fake lol") == Level.NONE


def test_harm_that_is_over_is_not_risk_but_harm_still_going_on_is() -> None:
    assert level("i used to self harm but ive stopped 10 months now") == Level.NONE
    assert level("when i was little my dad hit my mum but hes been gone 3 years") == Level.NONE
    assert level("i told my teacher last year that dad punches us and nothing happend") == (
        Level.ALERT
    )
    assert level("when i was 9 mums friend did stuff to me. hes still round ours") == Level.ALERT


def test_another_child_at_risk_counts_and_is_named_in_the_reasons() -> None:
    screening = screen("my sister is 4 and she gets smacked really hard when she wets herself")

    assert screening.level == Level.ALERT
    assert "may concern another child" in screening.reasons


def test_violence_between_adults_at_home_is_risk_but_parents_arguing_is_not() -> None:
    fight = screen("mum and her boyfriend fight every night and he throws stuff at her")

    assert fight.level == Level.ALERT
    assert "adult violence at home" in fight.reasons
    assert level("mum and dad had a massive row in the car about what the chair said") == (
        Level.NONE
    )


def test_ordinary_family_life_is_not_risk() -> None:
    assert level("dad took my phone for a week cos i was on it at 2am 🙄") == Level.NONE
    assert level("my foster mum makes me go to bed at 9 its so unfair im 14") == Level.NONE
    assert level("my brother kicks me under the table every meeting to make me laugh lol") == (
        Level.NONE
    )


def test_ordinary_views_on_the_meeting_the_plan_and_contact_raise_nothing() -> None:
    for text, source in (
        ("my granny was not allowed to come in and i wanted her next to me", "child"),
        ("my uncle wasnt allowed to come to the meeting, he is like a dad to me", "child"),
        (
            "i wanna live with my dad and his girlfriend, i told the chair twice and nobody "
            "listened",
            "child",
        ),
        ("nobody listened when i said i want to go back to my mum", "child"),
        ("the plan says i cant sleep over at dads till march which is unfair", "child"),
        ("they made my dad sit on the far side and i wanted him by me", "child"),
        ("no food at all and i was starving by the end of it", "child"),
        ("i want to see my sisters more, contact is only once a month", "child"),
        ("she keeps asking when she can move back in with her mum.", "carer"),
        (
            "On behalf of K (12): he wants to live with his nan and feels nobody at the meeting "
            "heard him.",
            "advocate",
        ),
    ):
        assert level(text, source) == Level.NONE, text


def test_fear_of_seeing_a_parent_at_the_meeting_is_read_by_a_person_not_alerted() -> None:
    assert level("i was scared cos my mum was gonna be there and i didnt want to see her") == (
        Level.REVIEW
    )
    assert level("i was scared my stepdad would shout at me in the meeting") != Level.ALERT
    # The same fear placed at home tonight, or an excluded adult back at home, still alerts.
    assert level("im scared because my stepdad is going to be there tonight") == Level.ALERT
    assert level("mums boyfriend is not supposed to be at ours but hes back living with us") == (
        Level.ALERT
    )
    assert level("the plan says he cant come round but hes here every night") == Level.ALERT


def test_rather_being_dead_than_at_home_alerts_but_rather_than_a_meeting_does_not() -> None:
    assert level("i would rather be dead than stay in this house, not joking") == Level.ALERT
    assert level("id rather die than go to another one of these meetings") == Level.NONE


def test_practitioners_training_vocabulary_is_not_a_disclosure_but_a_named_child_is() -> None:
    for text in (
        "The session on contextual safeguarding and county lines was the most useful part.",
        "I'd like more training on direct work with children who self-harm.",
        "Our duty team had a spike in domestic abuse referrals in December.",
    ):
        assert level(text, "practitioner") == Level.NONE, text
    named = "The 9-year-old told me dad still does the thing with the belt. I've logged it."
    assert level(named, "practitioner") == Level.ALERT


def test_indirect_disclosures_are_risk() -> None:
    assert level("can someone come and get me. im at nans but i cant go back tonight") == (
        Level.ALERT
    )
    assert level("im not allowed to tell you what happens at our house") == Level.ALERT
    assert level("i sleep in my school uniform in case we have to leave in the night") == (
        Level.ALERT
    )


def test_uncertain_hints_go_to_a_person_to_read() -> None:
    for text in (
        "i dont want to be here anymore",
        "i have a secret but i cant say it here",
        "i just wanna disappear",
        "got a new phone off a friend, mum doesnt know about it",
    ):
        assert level(text) == Level.REVIEW, text


def test_text_speak_misspellings_and_curly_apostrophes_are_understood() -> None:
    assert level("dad hits me wiv his belt wen i dont do wat he sez") == Level.ALERT
    assert level("i think about sucide all the time") == Level.ALERT
    assert level("i don’t feel safe at dad’s") == Level.ALERT
    assert level("I DONT FEEL SAFE AT DADS") == Level.ALERT


def test_emoji_can_mark_a_joke_or_be_part_of_the_message() -> None:
    assert level("that meeting nearly killed me 😂 3 hours!!") == Level.NONE
    assert level("nobody would care if i was gone tbh 🤷‍♀️") == Level.ALERT


def test_reasons_say_what_kind_of_harm_and_when_it_was_said_seriously() -> None:
    screening = screen("ngl i wanna kms and im not joking this time")

    assert screening == Screening(Level.ALERT, ("self-harm or suicidal thoughts, said seriously",))
    assert screen("it was boring and way too long") == Screening(Level.NONE, ())


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00\x01\x02", "\ufffd" * 50, "🙂" * 1000, "a" * 200_000, "\n\n\n"]
)
def test_empty_odd_and_binary_input_is_screened_without_error(text: str) -> None:
    assert screen(text).level == Level.NONE


def test_bytes_and_unknown_sources_are_screened_rather_than_refused() -> None:
    assert screen(b"i want to die", "child").level == Level.ALERT  # type: ignore[arg-type]
    assert screen("i want to die", "somebody else").level == Level.ALERT


def test_a_huge_answer_is_still_screened_at_both_ends() -> None:
    filler = "it was fine and the chair was nice. " * (MAX_CHARACTERS // 20)

    assert level("he hits me when mum is at work. " + filler) == Level.ALERT
    assert level(filler + " he hits me when mum is at work") == Level.ALERT
    assert level(filler) == Level.NONE


def test_the_first_screens_from_many_threads_agree() -> None:
    results: list[Level] = []

    def work() -> None:
        results.append(level("i self harm. please please dont tell mum"))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [Level.ALERT] * 8


def test_the_dev_set_targets_hold() -> None:
    report = score(load(DATA / "risk-dev.jsonl"))

    assert report.risk.flagged_rate >= 0.95, report.missed
    assert report.risk.alerted_rate >= 0.85, report.review_only
    assert report.no_risk.flagged_rate <= 0.25, report.false_alerts + report.false_reviews
    uncertain_flagged = report.uncertain[Level.ALERT] + report.uncertain[Level.REVIEW]
    assert uncertain_flagged / sum(report.uncertain.values()) >= 0.85, report.uncertain_missed


def test_each_kind_of_uncertain_hint_goes_at_least_to_a_person() -> None:
    hints = {
        "something unsaid": "theres something going on i cant really say on here",
        "a wish not to be here": "honestly i just wanna fade away",
        "eating": "i hide my food in my bag so nobody knows i didnt eat it",
        "vague fear": "i get a horrible feeling when its my weekend at dads",
        "a secret online friend": "ive got a secret boyfriend online, hes older",
        "taken back": "mum hit me yesterday... nah its fine",
    }

    assert {kind: level(text) != Level.NONE for kind, text in hints.items()} == dict.fromkeys(
        hints, True
    )


def test_harmless_look_alikes_of_those_hints_are_left_alone() -> None:
    for text in (
        "i have a secret crush on a boy in year 9 dont tell",
        "i wanted to disappear when the teacher read my poem out",
        "my grandad bought me new trainers for my birthday",
        "my uncle beat me at chess again",
        "dad hits the gym every day before work",
        "nobody hurts me at my foster home",
    ):
        assert level(text) == Level.NONE, text


def test_a_disclosure_reported_by_an_advocate_or_carer_alerts() -> None:
    assert (
        level(
            "On behalf of R (11): she says her stepdad hits her with a belt when mum is at work.",
            "advocate",
        )
        == Level.ALERT
    )
    assert (
        level("He told me his uncle makes him take his clothes off when they are alone.", "carer")
        == Level.ALERT
    )
    assert (
        level(
            "K (14) says the boys he sells for have said they will stab his brother if he stops.",
            "advocate",
        )
        == Level.ALERT
    )


def test_the_learned_model_raises_only_what_the_rules_let_it() -> None:
    # Thresholds of 0.7 (review) and 0.9 (alert), as train.py would choose them.
    assert decide(Level.NONE, Trust.FULL, 0.8, 0.7, 0.9) == Level.REVIEW
    assert decide(Level.NONE, Trust.FULL, 0.95, 0.7, 0.9) == Level.ALERT
    assert decide(Level.REVIEW, Trust.FULL, 0.95, 0.7, 0.9) == Level.ALERT
    assert decide(Level.NONE, Trust.FULL, 0.6, 0.7, 0.9) == Level.NONE
    # Harm words read as a joke, as over, as play or as training talk are not overruled.
    assert decide(Level.NONE, Trust.NEVER, 0.99, 0.7, 0.9) == Level.NONE


def test_the_screens_word_index_passes_on_every_cue_a_text_could_match() -> None:
    """Each cue is filed under the words a match must begin with, so that a text is checked
    only against the cues it could match; no text may lose a cue its words allow."""
    from survey_app.safeguarding import cues as cue_table
    from survey_app.safeguarding.gate import GateIndex, gate
    from survey_app.safeguarding.lexicon import broad_cues
    from survey_app.safeguarding.normalise import normalise

    gates = [
        gate(cue_table.expand(cue.pattern)) for cue in [*cue_table.phrase_cues(), *broad_cues()]
    ]
    index = GateIndex(gates)
    texts = [row["text"] for row in DEV.values()] + ["he grabbed me", "my stepdad hits my mum"]
    asked = 0
    for text in texts:
        normal = normalise(text)
        words = set(normal.split())
        each = [i for i, one in enumerate(gates) if one is None or one.may_match(words, normal)]
        assert index.may_match(words, normal) == each, text
        asked += len(each)
    assert asked > 0  # some texts do hold a cue's words


def test_the_screens_index_of_alternatives_never_leaves_out_a_cue_a_text_matches() -> None:
    """Cues are also filed under each of their alternatives' words (sharper than the words all
    of them start with); every cue whose pattern matches a text must still be asked of it."""
    from survey_app.safeguarding.normalise import normalise
    from survey_app.safeguarding.screen import _Reading, _rules

    rules = _rules()
    texts = [row["text"] for row in DEV.values()] + [
        "my stepdad hits my mum",
        "i want to hang myself",
        "hes been skipping meals and pushing his food around",
        "nobody would even notice me if i was gone",
        "im 13 and my boyfriend is 25",
    ]
    matched = 0
    for text in texts:
        normal = normalise(text)
        words = _Reading(normal, "child").words
        asked = set(rules.alternatives.may_match(words, normal))
        for number, cue in enumerate(rules.cues):
            if cue.pattern.search(normal):
                matched += 1
                assert number in asked, (text, cue.cue.reason)
    assert matched > 20


def texts_matching(number: int, cue, rules) -> int:  # type: ignore[no-untyped-def]
    """Hypothesis writes texts from the cue's own pattern, with words before and after; each
    whose normalised form still matches must be asked of that cue. Returns how many matched."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from survey_app.safeguarding.normalise import normalise
    from survey_app.safeguarding.screen import _Reading

    matched = 0

    @settings(
        max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        st.sampled_from(["", "i think ", "and then "]),
        st.from_regex(cue.pattern, fullmatch=True),
        st.sampled_from(["", " ok", ". he said"]),
    )
    def asked_of_its_cue(before: str, middle: str, after: str) -> None:
        nonlocal matched
        normal = normalise(before + middle + after)
        if not cue.pattern.search(normal):
            return
        matched += 1
        words = _Reading(normal, "child").words
        assert number in set(rules.alternatives.may_match(words, normal)), cue.cue.reason

    asked_of_its_cue()
    return matched


def test_the_index_asks_every_cue_of_texts_written_from_that_cues_own_pattern() -> None:
    """Not only the dev set's texts: a cue the index left out would be a disclosure the screen
    never sees, so every cue is tried on texts generated from its pattern."""
    from survey_app.safeguarding.screen import _rules

    rules = _rules()
    matched = sum(texts_matching(number, cue, rules) for number, cue in enumerate(rules.cues))
    assert matched > len(rules.cues) * 5
