"""What changed because children spoke ("you said, we did"): the council's approved actions on
the welcome and thank-you pages, and all of them on a page of their own."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from ... import actions
from ...operations import DistributionFacts
from .blueprint import bp, context, language_for, loaded, page_session


def you_said_pieces(
    distribution: DistributionFacts, language: str, most: int | None = actions.NEWEST_FOR_CHILDREN
) -> dict[str, Any]:
    """What a page needs to show the council's approved actions in language: none where the
    words around them are not written in it."""
    words = actions.child_words(language)
    if words is None:
        return {"you_said": [], "you_said_words": None, "you_said_more": False}
    found = actions.for_children(page_session(), distribution.council_id, language, most=None)
    shown = found if most is None else found[:most]
    return {
        "you_said": shown,
        "you_said_words": words,
        "you_said_more": len(found) > len(shown),
    }


@bp.get("/<code>/you-said-we-did")
def you_said_we_did(code: str) -> str:
    """Every approved action of the council (and the region), newest first."""
    distribution, definition = loaded()
    language = language_for(definition)
    pieces = you_said_pieces(distribution, language, most=None)
    return render_template(
        "respondent/you_said.html",
        **context(definition, distribution, language),
        **pieces,
        child_words=actions.child_words(language) or actions.child_words("en"),
        back_url=url_for(".welcome", code=distribution.code, lang=language)
        if language != "en"
        else url_for(".welcome", code=distribution.code),
    )
