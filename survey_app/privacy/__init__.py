"""Privacy: redaction of free text and disclosure control."""
