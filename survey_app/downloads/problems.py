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
