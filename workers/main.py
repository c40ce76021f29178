"""The worker processes' entry point: `dramatiq workers.main` (add `--queues exports` for a
worker that builds exports only).

Importing it sets up the broker from the SURVEY_* settings, with the sweeper and every actor
declared on it, before Dramatiq looks for the broker.
"""

from __future__ import annotations

from survey_app.settings import check_settings, load_settings

from .context import WorkerContext
from .setup import setup_workers

settings = load_settings()
check_settings(settings)
broker = setup_workers(settings, WorkerContext.for_worker(settings))
