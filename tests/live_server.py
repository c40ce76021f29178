"""Serve an app on loopback over real HTTP, for tests that drive a real browser.

The root conftest loads it as a plugin; the ``live_server`` fixture serves an app
made with ``make_app`` in demo mode (cookies work over plain http), with PUBLIC_URL set to its own
address so links and QR codes point back at it. ``serving_definitions`` serves one with a folder
of chosen survey definitions.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

HOST = "127.0.0.1"


@dataclass
class LiveServer:
    """An app answering on ``url`` from a daemon thread."""

    app: Flask
    url: str
    server: BaseWSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _not_ready(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"the app is still being made"]


def serve(make_app: Callable[..., Flask], **overrides: Any) -> LiveServer:
    """Bind a free port first, then make the app knowing its own address, then serve it."""
    # Port 0 lets the kernel choose, so there is no race with other tests for a "free" port.
    server = make_server(HOST, 0, _not_ready, threaded=True)
    url = f"http://{HOST}:{server.port}"
    app = make_app(DEMO=True, PUBLIC_URL=url, **overrides)
    server.app = app
    thread = threading.Thread(
        target=server.serve_forever, name=f"live-server-{server.port}", daemon=True
    )
    thread.start()
    return LiveServer(app=app, url=url, server=server, thread=thread)


@pytest.fixture
def live_server(make_app: Callable[..., Flask]) -> Iterator[LiveServer]:
    """A demo-mode app on a free loopback port, stopped when the test ends."""
    running = serve(make_app)
    yield running
    running.stop()


@contextlib.contextmanager
def serving_definitions(
    make_app: Callable[..., Flask], folder: Path, definitions: Iterable[Path], **overrides: Any
) -> Iterator[LiveServer]:
    """Serve a demo-mode app whose SURVEY_DIR is folder (made here) holding copies of exactly
    these definition files; stopped on leaving."""
    folder.mkdir()
    for definition in definitions:
        shutil.copy(definition, folder)
    running = serve(make_app, SURVEY_DIR=str(folder), **overrides)
    try:
        yield running
    finally:
        running.stop()
