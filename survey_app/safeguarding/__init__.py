"""Safeguarding: screen what children write for risk, raise concerns, and let the council's named
safeguarding lead read them, act and record what they did."""
