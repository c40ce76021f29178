"""Safeguarding: screening free text for signs that a child is at risk now or soon."""
