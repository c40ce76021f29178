"""Background processing: the Dramatiq broker, thin actors and the sweeper."""
