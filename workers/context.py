"""What actors and the sweeper need at run time, built once and set by `workers.setup`: the
database, the text key, the settings and the survey definitions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from survey_app.clock import Clock, SystemClock
from survey_app.crypto import TextVault
from survey_app.db import Database
from survey_app.definitions import SurveyDefinition, load_directory
from survey_app.loaded_surveys import LoadedSurveys


@dataclass(frozen=True)
class WorkerContext:
    """The parts a worker works with. An in-process worker (demo, tests) is given the web
    app's; a worker process builds its own with `for_worker`."""

    database: Database
    vault: TextVault
    settings: Mapping[str, Any]
    loaded_surveys: LoadedSurveys
    # Whether a response is counted before its period closed is read from this clock.
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def for_worker(cls, settings: Mapping[str, Any]) -> WorkerContext:
        """A worker process's own parts, from its settings (connects to nothing yet)."""
        return cls(
            # Messages are retried, so the worker skips the pool's round trip before each use.
            database=Database.from_url(settings["DATABASE_URL"], pre_ping=False),
            vault=TextVault(settings["TEXT_KEY"]),
            settings=settings,
            loaded_surveys=LoadedSurveys(
                settings["SURVEY_DIR"],
                load_directory(settings["SURVEY_DIR"]),
                float(settings["SURVEYS_CHECK_SECONDS"]),
            ),
        )

    def surveys(self) -> dict[str, SurveyDefinition]:
        """The survey definitions by id, read again when `survey-app load-surveys` changed them."""
        with self.database.session() as session:
            return self.loaded_surveys.current(session)


_current: WorkerContext | None = None


def use_context(context: WorkerContext) -> None:
    """Give the actors and the sweeper context (once per process; again for each test app)."""
    global _current
    _current = context


def current_context() -> WorkerContext:
    """The context `workers.setup` was given."""
    if _current is None:
        raise RuntimeError(
            "the workers have no context: call workers.setup.setup_workers (create_app and "
            "workers.main do) first"
        )
    return _current
