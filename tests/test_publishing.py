"""The publishing unit of work: what an output showed is recorded only when all of it passed,
the audit sees everything each output published, and the protection step decides every cell."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import func, select

from survey_app.clock import clock_of
from survey_app.definitions import SurveyDefinition, load_directory
from survey_app.downloads import GroupFilter, publish_aggregates
from survey_app.models import Publication, SurveyResponse
from survey_app.periods import last_published
from survey_app.privacy.disclosure import (
    DisclosureRules,
    PublishedQuestion,
    QuestionCounts,
    Shown,
    notes,
    protect_question,
    publishing,
)
from tests.conftest import TEST_SURVEYS, close_periods
from tests.submissions import submit

SURVEY = "test-child"


class Seen:
    """An audit that keeps what it was shown (the test-time audit of issue 10 plugs in here)."""

    def __init__(self) -> None:
        self.outputs: list[tuple[str, Sequence[Shown]]] = []

    def __call__(self, survey_id: str, shown: Sequence[Shown]) -> None:
        self.outputs.append((survey_id, shown))


@pytest.fixture
def answered(app, make_distribution, worker):  # type: ignore[no-untyped-def]
    """12 Suffolk and 10 Norfolk children, all went and felt happy, counted."""
    for council, children in (("Suffolk", 12), ("Norfolk", 10)):
        distribution = make_distribution(council_name=council, label=f"{council} conferences")
        for _ in range(children):
            submit(app, distribution, went="yes", feel="happy")
    worker()
    close_periods(app)
    return app


def definition_of(app) -> SurveyDefinition:  # type: ignore[no-untyped-def]
    return load_directory(TEST_SURVEYS)[SURVEY]


def everything(app) -> GroupFilter:  # type: ignore[no-untyped-def]
    """Every closed period of every council, asked for now."""
    return GroupFilter(asked_at=clock_of(app).now())


def publications(app) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["database"].session() as session:
        return session.scalar(select(func.count(Publication.id))) or 0


def response_ids(app) -> frozenset[int]:  # type: ignore[no-untyped-def]
    with app.extensions["database"].session() as session:
        return frozenset(session.scalars(select(SurveyResponse.id)))


def test_the_audit_sees_every_group_a_download_published_exact_and_as_shown(answered):
    seen = Seen()
    with answered.extensions["database"].session() as session:
        tables = publish_aggregates(
            session, definition_of(answered), None, everything(answered), None, audit=seen
        )
        session.commit()

    ((survey, shown),) = seen.outputs
    assert survey == SURVEY
    closed = last_published(definition_of(answered).publication, clock_of(answered).now()).key
    assert [group.scope for group in shown] == [
        f"Norfolk, period {closed} (counts)",
        f"Suffolk, period {closed} (counts)",
        f"{notes.REGION}, period {closed} (counts)",
        f"Norfolk, aged 12 to 17, period {closed} (counts)",
        f"Suffolk, aged 12 to 17, period {closed} (counts)",
        f"{notes.REGION}, aged 12 to 17, period {closed} (counts)",
    ]
    assert [list(group.published) for group in shown] == [table.questions for table in tables]
    suffolk = next(group for group in shown if group.scope.startswith("Suffolk"))
    went = next(counts for counts in suffolk.counted if counts.question == "went")
    assert went.counts["yes"] == 12  # the exact count, behind the 10 shown
    assert publications(answered) == 6


def test_nothing_is_recorded_or_audited_when_the_output_fails_before_the_end(answered):
    seen = Seen()
    rules = DisclosureRules()
    members = response_ids(answered)
    counted = QuestionCounts("went", ("yes", "no"), {"yes": len(members), "no": 0}, len(members))

    with answered.extensions["database"].session() as session:
        with (
            pytest.raises(LookupError),
            publishing(session, SURVEY, rules, None, audit=seen) as unit,
        ):
            unit.settle(members, "everyone")
            unit.protect_tables(members, "everyone", [counted])
            raise LookupError("a later group of the same output could not be read")
        session.commit()

    assert seen.outputs == []
    assert publications(answered) == 0


def test_groups_settled_in_one_output_are_checked_against_each_other(answered):
    rules = DisclosureRules()
    everyone = response_ids(answered)
    all_but_three = frozenset(sorted(everyone)[3:])

    with answered.extensions["database"].session() as session:
        with publishing(session, SURVEY, rules, None) as unit:
            assert unit.settle(everyone, "everyone").conflict is None
            refused = unit.settle(all_but_three, "all but three", hold_back_new=False)
        session.commit()

    assert refused.conflict is not None
    assert "too close to figures for everyone" in refused.conflict.explanation(rules)
    # Settling alone shows nothing, so nothing is recorded.
    assert publications(answered) == 0


def test_the_protection_step_given_to_the_unit_decides_every_cell(answered):
    def nothing_broken_down(
        counted: QuestionCounts,
        rules: DisclosureRules,
        withhold: str = "",
        forced: frozenset[str] = frozenset(),
    ) -> PublishedQuestion:
        # Stricter than the default: the place a cell key perturbation or DP release goes.
        return protect_question(counted, rules, withhold=withhold or notes.CANNOT_PROTECT)

    seen = Seen()
    members = response_ids(answered)
    counted = QuestionCounts("went", ("yes", "no"), {"yes": len(members), "no": 0}, len(members))
    with answered.extensions["database"].session() as session:
        with publishing(
            session, SURVEY, DisclosureRules(), None, protection=nothing_broken_down, audit=seen
        ) as unit:
            unit.settle(members, "everyone")
            (question,) = unit.protect_tables(members, "everyone", [counted])
        session.commit()

    assert not question.shown
    assert {cell.count for cell in question.cells} == {notes.NOT_SHOWN}
    # What is recorded as shown follows the protection: no exact count was shown.
    ((_, (shown,)),) = seen.outputs
    assert shown.cells == {}


def test_figures_about_a_group_never_settled_are_refused_and_nothing_is_recorded(answered):
    members = response_ids(answered)
    counted = QuestionCounts("went", ("yes", "no"), {"yes": len(members), "no": 0}, len(members))

    with answered.extensions["database"].session() as session:
        with (
            pytest.raises(ValueError, match="not settled"),
            publishing(session, SURVEY, DisclosureRules(), None) as unit,
        ):
            unit.protect_tables(members, "everyone", [counted])
        session.commit()

    assert publications(answered) == 0
