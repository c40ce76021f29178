"""The survey definitions a process serves, reloaded when `survey-app load-surveys` changes them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .definitions import DefinitionError, SurveyDefinition, load_directory
from .models import Survey

log = logging.getLogger(__name__)


class LoadedSurveys:
    """Definitions by id, kept in step with the surveys table by a cheap, throttled check.

    `load-surveys` records each file's checksum; a web process that sees the recorded ids or
    checksums change reads the folder again, so a new survey's link works without a restart.
    """

    def __init__(
        self,
        directory: Path | str,
        definitions: dict[str, SurveyDefinition],
        check_seconds: float,
    ) -> None:
        self.directory = Path(directory)
        # Updated in place: the in-process worker (demo, tests) holds the same dict.
        self.definitions = definitions
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._checked_at = time.monotonic()
        self._recorded: frozenset[tuple[str, str]] | None = None

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> LoadedSurveys:
        """The surveys in the settings' SURVEY_DIR, read now and checked every
        SURVEYS_CHECK_SECONDS: how web and worker processes alike load their definitions."""
        directory = Path(settings["SURVEY_DIR"])
        return cls(directory, load_directory(directory), float(settings["SURVEYS_CHECK_SECONDS"]))

    def due(self) -> bool:
        """Whether `current` would look at the surveys table (else it needs no session)."""
        return time.monotonic() - self._checked_at >= self.check_seconds

    def current(self, session: Session) -> dict[str, SurveyDefinition]:
        """The definitions, reloaded first if the surveys table changed since the last look."""
        if not self.due():
            return self.definitions
        with self._lock:
            if time.monotonic() - self._checked_at < self.check_seconds:
                return self.definitions
            self._checked_at = time.monotonic()
            rows = session.execute(select(Survey.id, Survey.checksum))
            recorded = frozenset((row.id, row.checksum) for row in rows)
            if recorded == self._recorded:
                return self.definitions
            self._recorded = recorded
            served = {(d.id, d.checksum) for d in self.definitions.values()}
            if recorded <= served:
                return self.definitions
            self._reload()
        return self.definitions

    def _reload(self) -> None:
        try:
            fresh = load_directory(self.directory)
        except DefinitionError as error:
            # Keep serving what loaded before; `survey-app check` names the problem.
            log.warning("survey folder not reloaded: %d problems", len(error.problems))
            return
        self.definitions.update(fresh)
        for gone in set(self.definitions) - set(fresh):
            del self.definitions[gone]
        log.info("survey definitions reloaded: %d surveys", len(fresh))
