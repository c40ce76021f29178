"""Focus groups: sessions recorded with a guide (`recording`), their photos (`photos`), the
worker's screening and anonymising of their words (`processing`), and reading what they said
(`reading`: the theme codebook's items, vote and show-of-hands totals)."""

from .reading import PromptTotals, read_items, vote_totals

__all__ = ["PromptTotals", "read_items", "vote_totals"]
