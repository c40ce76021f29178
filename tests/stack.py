"""The production stack as separate processes: gunicorn, a dramatiq worker, PostgreSQL, Redis."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, update

from survey_app.crypto import TextVault
from survey_app.definitions import load_directory
from survey_app.models import SurveyResponse, utcnow
from survey_app.periods import last_published

from .services import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Stack:
    """Starts and stops the service's processes against given database and broker URLs."""

    def __init__(
        self,
        database_url: str,
        broker_url: str,
        workdir: Path,
        survey_dir: Path | None = None,
        **settings: Any,
    ) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SURVEY_DATABASE_URL": database_url,
            "SURVEY_BROKER_URL": broker_url,
            "SURVEY_SECRET_KEY": "stack secret key, long enough for signing",
            "SURVEY_TEXT_KEY": TextVault.generate_key(),
            "SURVEY_LINK_KEY": "stack link key for hashing personal codes",
            "SURVEY_SURVEY_DIR": str(survey_dir or ROOT / "tests" / "data" / "surveys"),
            "SURVEY_PUBLIC_URL": self.url,
            "SURVEY_QR_DIR": str(workdir / "qr"),
            "SURVEY_EXPORT_DIR": str(workdir / "exports"),
            "SURVEY_SWEEP_INTERVAL_SECONDS": "2",
            "SURVEY_HEARTBEAT_INTERVAL_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
            # The rig speaks plain http on loopback; production keeps Secure cookies behind TLS.
            "SURVEY_SECURE_COOKIES": "false",
        }
        self.env.update({f"SURVEY_{key}": str(value) for key, value in settings.items()})
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(BIN / "survey-app"), *args],
            env=self.env,
            input=stdin,
            text=True,
            capture_output=True,
            timeout=120,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise RuntimeError(f"survey-app {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def sent_in_a_closed_period(self) -> None:
        """Move every response so far into the test survey's latest closed period, as if they
        had been sent then: the stack's processes read the machine's clock, which a test cannot
        move the way `close_periods` moves an in-process app's."""
        survey_dir = Path(self.env["SURVEY_SURVEY_DIR"])
        settings = load_directory(survey_dir)["test-child"].publication
        period = last_published(settings, utcnow())
        engine = create_engine(self.env["SURVEY_DATABASE_URL"])
        with engine.begin() as connection:
            connection.execute(
                update(SurveyResponse).values(period=period.key, submitted_on=period.start)
            )
        engine.dispose()

    def prepare(self, role: str = "facilitator") -> dict[str, str]:
        """Migrate, load surveys, make a distribution, an account (with role) and an API token."""
        self.cli("migrate")
        self.cli("load-surveys")
        self.cli("councils", "create", "Suffolk")
        made = json.loads(
            self.cli(
                "distribute",
                "test-child",
                "--council",
                "Suffolk",
                "--label",
                "CP conferences, Ipswich",
                "--json",
            )
        )
        self.cli(
            "users",
            "create",
            "lead@example.org",
            "--role",
            role,
            "--password-stdin",
            stdin="stack password 1234\n",
        )
        made["token"] = self.cli("tokens", "create", "lead@example.org").strip()
        return made

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        with open(self.workdir / log_name, "ab") as log:  # the child keeps its own copy
            return subprocess.Popen(
                args, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
            )

    def start_web(self, workers: int = 2) -> None:
        self.web = self._spawn(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--no-control-socket",
                "--graceful-timeout",
                "5",
                "survey_app.wsgi:app",
            ],
            "web.log",
        )
        self.wait_until(self._web_answers, 60, "gunicorn to answer")

    def _web_answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/healthz", timeout=5).status_code in (200, 503)
        except requests.RequestException:
            return False

    def start_worker(self, threads: int = 4) -> None:
        self.worker = self._spawn(
            [
                str(BIN / "dramatiq"),
                "workers.main",
                "--processes",
                "1",
                "--threads",
                str(threads),
            ],
            "worker.log",
        )

    def kill_worker(self) -> None:
        """Kill the worker at once, as a crash or an OOM kill would."""
        if self.worker is not None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(10)
            self.worker = None

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
        self.web = self.worker = None

    def health(self) -> dict[str, Any]:
        return requests.get(f"{self.url}/healthz", timeout=5).json()  # type: ignore[no-any-return]

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{self.logs()}")


class HttpRespondent:
    """A child answering over real HTTP, without JavaScript."""

    def __init__(self, base_url: str, code: str) -> None:
        self.http = requests.Session()
        self.base = f"{base_url}/s/{code}"
        self.page: requests.Response | None = None

    @staticmethod
    def _token(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found, html[:500]
        return found.group(1)

    def start(self) -> None:
        welcome = self.http.get(self.base, timeout=10)
        welcome.raise_for_status()
        self.page = self.http.post(
            f"{self.base}/start", data={"csrf_token": self._token(welcome.text)}, timeout=10
        )
        self.page.raise_for_status()

    def answer(self, **form: Any) -> None:
        assert self.page is not None
        action = re.search(r'<form method="post" action="([^"]+)"', self.page.text)
        assert action, self.page.text[:500]
        self.page = self.http.post(
            self.base.split("/s/")[0] + action.group(1),
            data={"csrf_token": self._token(self.page.text), **form},
            timeout=10,
        )
        self.page.raise_for_status()

    def carry_on_past_the_safety_page(self) -> None:
        """A worrying answer brings the safety page: read it and carry on, as a child would."""
        assert self.page is not None
        if "/safe" not in self.page.url:
            return
        link = re.search(r'<a class="button" href="([^"]+)"', self.page.text)
        assert link, self.page.text[:500]
        self.page = self.http.get(
            self.base.split("/s/")[0] + link.group(1).replace("&amp;", "&"), timeout=10
        )
        self.page.raise_for_status()

    def send(self) -> str:
        assert self.page is not None and self.page.url.endswith("/check"), self.page.url
        thanks = self.http.post(
            f"{self.base}/submit", data={"csrf_token": self._token(self.page.text)}, timeout=30
        )
        thanks.raise_for_status()
        return thanks.text


def answer_test_survey(base_url: str, code: str, went: str, better: str = "") -> str:
    """Complete the test survey once; returns the thank-you page."""
    child = HttpRespondent(base_url, code)
    child.start()
    child.answer(_age_band="12-17")
    child.answer(went=went)
    if went == "no":
        child.answer(why_not=["scared", "school"])
    child.answer(feel="okay")
    child.answer(times="2")
    child.answer(better=better)
    child.carry_on_past_the_safety_page()
    return child.send()
