"""Focus groups: sessions recorded with a guide (`recording`), their photos (`photos`), the
worker's screening and anonymising of their words (`processing`), reading what they said
(`reading`: the theme codebook's items, vote and show-of-hands totals), and the votes as a
report publishes them (`results`)."""

from .reading import PromptTotals, read_items, vote_totals
from .results import PromptVotes, VoteFigure, publish_votes

__all__ = [
    "PromptTotals",
    "PromptVotes",
    "VoteFigure",
    "publish_votes",
    "read_items",
    "vote_totals",
]
