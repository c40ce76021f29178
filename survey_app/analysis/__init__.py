"""Analysis: statistics on survey answers, as pure functions over plain data."""
