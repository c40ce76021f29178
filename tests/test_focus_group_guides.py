"""Focus-group guides: YAML validated like surveys, listed with them, never offered as a survey."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from survey_app.definitions import (
    DefinitionError,
    GuideDefinition,
    PromptKind,
    load_directory,
    load_guides,
    parse_document,
)
from survey_app.definitions.guides import Group
from survey_app.definitions.reading_age import band_level, reading_grade, sentences

SHIPPED = Path(__file__).parent.parent / "survey_definitions"
TEST_SURVEYS = Path(__file__).parent / "data" / "surveys"
THREE_HOUSES = "focus-group-three-houses"
APPRECIATIVE = "focus-group-appreciative-inquiry"

GUIDE = """\
id: test-guide
version: 1
audience: focus_group
group: children
title: A test group
introduction: How to run it.
age_bands:
  - id: "8-11"
    label: "8 to 11"
prompts:
  - id: worries
    kind: sticky_notes
    title: Worries
    facilitator: Ask about worries.
    child:
      "8-11": What worried you?
  - id: best
    kind: dot_vote
    title: What matters
    facilitator: Vote with dots.
    options:
      - id: one
        label: One
      - id: two
        label: Two
"""


OPTIONS = "    options:\n      - id: one\n        label: One\n      - id: two\n        label: Two\n"


def problems_of(source: str) -> list[str]:
    with pytest.raises(DefinitionError) as refused:
        parse_document(source, "guide.yaml")
    return [str(problem) for problem in refused.value.problems]


def line_of(source: str, text: str) -> int:
    return source.splitlines().index(text) + 1


def test_the_shipped_guides_load_with_every_kind_of_prompt_between_them():
    guides = load_guides(SHIPPED)

    assert set(guides) == {THREE_HOUSES, APPRECIATIVE}
    kinds = {prompt.kind for guide in guides.values() for prompt in guide.prompts}
    assert kinds == set(PromptKind)
    houses = guides[THREE_HOUSES]
    assert houses.group == Group.CHILDREN
    assert [p.id for p in houses.prompts][1:4] == [
        "house-of-worries",
        "house-of-good-things",
        "house-of-dreams",
    ]
    assert "magic wand" in houses.prompt("magic-wand").title.en.lower()
    # Every prompt speaks to children of every age band in their own words.
    for prompt in houses.prompts:
        assert set(prompt.child) == set(houses.band_ids()), prompt.id
    appreciative = guides[APPRECIATIVE]
    assert appreciative.group == Group.PRACTITIONERS
    stages = [prompt.id.split("-")[0] for prompt in appreciative.prompts]
    for stage in ("discover", "dream", "design", "deliver"):
        assert stage in stages


def test_what_children_are_told_reads_at_their_age_bands_level():
    houses = load_guides(SHIPPED)[THREE_HOUSES]

    too_hard = [
        (band, prompt.id, sentence)
        for prompt in houses.prompts
        for band, words in prompt.child.items()
        # Under 8s are read to by an adult; the grade formula says nothing about listening.
        if band != "4-7"
        for sentence in sentences(words.en)
        if reading_grade(sentence) > band_level(band)
    ]

    assert too_hard == []


def test_the_shipped_guides_are_not_surveys_so_nothing_offers_them_a_link():
    surveys = load_directory(SHIPPED)

    assert THREE_HOUSES not in surveys and APPRECIATIVE not in surveys
    assert all(not isinstance(d, GuideDefinition) for d in surveys.values())


def test_a_scale_prompt_gets_a_face_per_point_to_count_hands_for():
    source = GUIDE.replace("kind: dot_vote", "kind: scale\n    points: 3").replace(OPTIONS, "")

    guide = parse_document(source, "guide.yaml")

    assert isinstance(guide, GuideDefinition)
    assert [option.id for option in guide.prompt("best").options] == ["sad", "okay", "happy"]


def test_a_wrong_prompt_kind_is_named_with_its_file_and_line():
    source = GUIDE.replace("kind: sticky_notes", "kind: post_its")

    problems = problems_of(source)

    line = line_of(source, "    kind: post_its")
    assert any(
        re.fullmatch(rf"guide\.yaml:{line}: prompts\[0\]\.kind: .+", problem)
        for problem in problems
    ), problems


def test_a_dot_vote_without_options_is_refused_at_its_line():
    source = GUIDE.replace(OPTIONS, "")

    problems = problems_of(source)

    line = line_of(source, "  - id: best")
    assert (
        f"guide.yaml:{line}: prompts[1].options: A dot_vote needs at least two options "
        "to vote on." in problems
    ), problems


def test_child_wording_for_an_unknown_age_band_is_refused():
    source = GUIDE.replace('      "8-11": What worried you?', '      "4-7": What worried you?')

    problems = problems_of(source)

    line = line_of(source, "    child:")
    assert f"guide.yaml:{line}: prompts[0].child: Unknown age band '4-7'." in problems, problems


def test_a_duplicate_prompt_id_and_a_missing_facilitator_wording_are_both_reported():
    source = GUIDE.replace("  - id: best", "  - id: worries").replace(
        "    facilitator: Ask about worries.\n", ""
    )

    problems = problems_of(source)

    assert any(": prompts[0].facilitator: " in problem for problem in problems), problems
    assert any("Duplicate prompt id 'worries'" in problem for problem in problems), problems


def test_a_practitioners_guide_may_not_carry_child_wording():
    source = GUIDE.replace("group: children", "group: practitioners")

    problems = problems_of(source)

    assert any("A practitioners' guide has no child wording." in p for p in problems), problems


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A survey folder with the test survey and the two shipped guides."""
    made = tmp_path / "surveys"
    made.mkdir()
    shutil.copy(TEST_SURVEYS / "test-child.yaml", made)
    for name in (THREE_HOUSES, APPRECIATIVE):
        shutil.copy(SHIPPED / f"{name}.yaml", made)
    return made


def test_surveys_lists_the_guides_beside_the_surveys_as_json(run, folder):
    result = run("surveys", "--json", env={"SURVEY_SURVEY_DIR": str(folder)})

    assert result.exit_code == 0, result.output
    listed = {entry["id"]: entry for entry in json.loads(result.output)}
    assert set(listed) == {"test-child", THREE_HOUSES, APPRECIATIVE}
    assert listed[THREE_HOUSES]["audience"] == "focus_group"
    assert listed[THREE_HOUSES]["group"] == "children"
    assert {"id": "magic-wand", "kind": "drawing"}.items() <= next(
        p for p in listed[THREE_HOUSES]["prompts"] if p["id"] == "magic-wand"
    ).items()
    assert listed["test-child"]["audience"] == "child"


def test_check_passes_the_guides_and_names_the_line_of_a_broken_one(run, folder):
    assert run("check", str(folder)).exit_code == 0
    source = (folder / f"{THREE_HOUSES}.yaml").read_text()
    broken = source.replace("kind: dot_vote", "kind: raffle")
    (folder / f"{THREE_HOUSES}.yaml").write_text(broken)

    result = run("check", str(folder))

    assert result.exit_code == 1
    line = line_of(broken, "    kind: raffle")
    assert re.search(rf"{THREE_HOUSES}\.yaml:{line}: prompts\[\d+\]\.kind: ", result.output), (
        result.output
    )


def test_a_guide_cannot_be_given_a_public_link(run, folder):
    env = {"SURVEY_SURVEY_DIR": str(folder)}
    assert run("load-surveys", env=env).exit_code == 0
    assert run("councils", "create", "Suffolk", env=env).exit_code == 0

    result = run("distribute", THREE_HOUSES, "--council", "Suffolk", "--label", "x", env=env)

    assert result.exit_code != 0
    assert "/s/" not in result.output


def test_schema_prints_the_guide_format_for_editors(run):
    result = run("schema", "--guide")

    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    assert schema["properties"]["audience"]["enum"] == ["focus_group"]
    kinds = schema["properties"]["prompts"]["items"]["properties"]["kind"]["enum"]
    assert set(kinds) == {kind.value for kind in PromptKind}
