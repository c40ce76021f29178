"""Theme results as staff pages and the API serve them: themes.csv / .xlsx and items.csv, added
to both blueprints (no blueprint lives here), and the codebook the app loaded.

Not in `results.DOWNLOADS`: those are a survey's downloads (`/surveys/<id>/...`, one survey's
definition and rules); theme results are across every survey and source, under the codebook.
Refusals go through the same `DownloadProblem` handlers as the survey downloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request

from .. import spreadsheets, themes
from ..access import council_scope
from ..clock import clock_of
from ..definitions import DefinitionError
from ..models import User
from . import results

EXTENSION = "codebook"

View = Callable[..., Any]


def init_app(app: Flask) -> None:
    """Load the theme codebook from the survey folder (none: the theme pages are 404)."""
    try:
        app.extensions[EXTENSION] = themes.load_codebook(app.config["SURVEY_DIR"])
    except DefinitionError as error:
        if any(problem.message != "No theme codebook here." for problem in error.problems):
            raise
        app.extensions[EXTENSION] = None


def codebook() -> themes.Codebook | None:
    """The app's codebook, or None where the deployment has none."""
    found: themes.Codebook | None = current_app.extensions.get(EXTENSION)
    return found


def codebook_or_404() -> themes.Codebook:
    """The app's codebook, or a 404 where the deployment has none."""
    codebook: themes.Codebook | None = current_app.extensions.get(EXTENSION)
    if codebook is None:
        abort(404)
    return codebook


def _publish_themes(user: User) -> themes.PublishedThemes:
    codebook = codebook_or_404()
    chosen = themes.ThemeFilter.from_query(request.args)
    now = clock_of(current_app).now()
    return results.publishing(
        lambda session: themes.publish_themes(
            session, codebook, council_scope(user), chosen, user.id, now
        )
    )


def _publish_items(user: User) -> themes.PublishedItems:
    codebook = codebook_or_404()
    chosen = themes.ThemeFilter.from_query(request.args)
    now = clock_of(current_app).now()
    return results.publishing(
        lambda session: themes.publish_items(
            session, codebook, council_scope(user), chosen, user.id, now
        )
    )


def themes_csv(user: User) -> Response:
    """Coded items per theme, per council and source, for one whole closed period."""
    published = _publish_themes(user)
    name = f"themes-{published.period.key}.csv"
    return results.csv_download(name, themes.THEME_COLUMNS, [list(r) for r in published.rows])


def themes_xlsx(user: User) -> Response:
    """The same table as a spreadsheet, with its notes below."""
    published = _publish_themes(user)
    sheet = spreadsheets.Sheet(
        f"Themes {published.period.key}",
        themes.THEME_COLUMNS,
        published.rows,
        themes.theme_notes(codebook_or_404(), published.period),
    )
    return results.xlsx_download(f"themes-{published.period.key}.xlsx", [sheet])


def items_csv(user: User) -> Response:
    """One row per coded item, anonymised text only, in a random order."""
    published = _publish_items(user)
    name = f"coded-items-{published.period.key}.csv"
    return results.csv_download(name, themes.ITEM_COLUMNS, [list(r) for r in published.rows])


THEME_DOWNLOADS: dict[str, Callable[[User], Response]] = {
    "themes.csv": themes_csv,
    "themes.xlsx": themes_xlsx,
    "items.csv": items_csv,
}


def add_theme_downloads(
    bp: Blueprint, requester: Callable[[], User], guard: Callable[[View], View] = lambda v: v
) -> None:
    """Add the theme downloads to bp (endpoints `themes_csv`, `themes_xlsx`, `coded_items_csv`),
    for the user requester() gives; guard wraps each view (signing in)."""
    for path, download in THEME_DOWNLOADS.items():
        endpoint = "coded_items_csv" if path == "items.csv" else path.replace(".", "_")

        def view(download: Callable[[User], Response] = download) -> Response:
            return download(requester())

        view.__name__ = endpoint
        bp.add_url_rule(f"/{path}", endpoint, guard(view), methods=["GET"])
