"""Why a download cannot be given, with a message for the person who asked."""

from __future__ import annotations

from ..privacy.disclosure import Conflict, DisclosureRules


class DownloadProblem(Exception):
    """A download that cannot be given; the message is for the person who asked."""


class FilterError(DownloadProblem):
    """A filter in the request is not understood (HTTP 400)."""


class UnknownGroup(DownloadProblem):
    """A council or distribution that does not exist or that the user may not see (HTTP 404)."""


class Refused(DownloadProblem):
    """Publishing would let someone work out a few children's answers by subtraction (409)."""

    def __init__(self, conflict: Conflict, rules: DisclosureRules) -> None:
        self.conflict = conflict
        super().__init__(conflict.explanation(rules))


class NotOffered(DownloadProblem):
    """A download this deployment does not give (HTTP 404): the linked research extract while
    SURVEY_RESEARCH_EXTRACT is off."""


class NotPermitted(DownloadProblem):
    """A download the user's role may not have (HTTP 403): the research extract for anyone but
    an admin."""
