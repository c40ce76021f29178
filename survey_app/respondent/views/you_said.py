"""What changed because children spoke ("you said, we did"): the council's approved actions on
the welcome and thank-you pages, and all of them on a page of their own."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from werkzeug.wrappers import Response as AnyResponse

from ... import actions
from ...definitions.model import SurveyDefinition
from ...operations import DistributionFacts
from .blueprint import bp, context, language_for, loaded, page_session


def you_said_pieces(
    distribution: DistributionFacts,
    definition: SurveyDefinition,
    language: str,
    most: int | None = actions.NEWEST_FOR_CHILDREN,
) -> dict[str, Any]:
    """What a page needs to show the council's approved actions in language: none where the
    words around them are written neither by the survey nor built in."""
    words = actions.child_words(definition, language)
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
def you_said_we_did(code: str) -> str | AnyResponse:
    """Every approved action of the council (and the region), newest first; in a language
    without the words around them, the survey's first page in that language instead."""
    distribution, definition = loaded()
    language = language_for(definition)
    start = (
        url_for(".welcome", code=distribution.code, lang=language)
        if language != "en"
        else url_for(".welcome", code=distribution.code)
    )
    pieces = you_said_pieces(distribution, definition, language, most=None)
    if pieces["you_said_words"] is None:
        return redirect(start)
    return render_template(
        "respondent/you_said.html",
        **context(definition, distribution, language),
        **pieces,
        child_words=pieces["you_said_words"],
        back_url=start,
    )
