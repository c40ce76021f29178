"""The work the web app hands to the workers, one call per kind of message, so views and
domain code send it without knowing the broker: the entry point (create_app) wires each call to
an actor, and a test swaps one to lose a message or break the broker."""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)


@dataclass
class BackgroundWork:
    """Each call sends one message, after the caller committed; a failure to send (the broker
    is down) raises, or, for a call handed off (`HandOff`), is logged on its thread; either
    way the sweeper sends what was committed later.

    A test replaces one call: `background_work(app).build_export = lambda export_id: None`.
    """

    process_response: Callable[[int], None]
    build_export: Callable[[int], None]
    send_concern_emails: Callable[[Sequence[int]], None]
    # Focus groups: screen and anonymise the words of newly recorded items.
    process_focus_group_items: Callable[[Sequence[int]], None]
    # Other voices (issue 15): imported complaints and compliments, and case-audit notes.
    anonymise_feedback: Callable[[Sequence[int]], None]
    anonymise_audit: Callable[[int], None]


EXTENSION = "background_work"


class App(Protocol):
    """A Flask app, as far as this module needs one (so it imports no web code)."""

    extensions: dict[str, Any]


def background_work(app: App) -> BackgroundWork:
    """The app's calls to the workers (for a view: `background_work(current_app)`)."""
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]


# The end of the queue a hand-off's thread reads: stop.
_STOP = object()


class HandOff:
    """Sends done on a thread of their own, after the caller has moved on: Send thanks the child
    without waiting for the broker, and the web process answers its next request meanwhile.

    While items keep coming (the first of a batch came less than `busy` seconds after the
    last batch was sent), the thread sends what was handed over within `linger` seconds of the
    first item as one batch (at most `batch` items), so a busy process makes one broker call
    for several responses instead of one each (a call costs the process about as much CPU as a
    Send). An item that comes after a quiet spell is sent at once: it waits for nothing.

    Only for work whose record is already committed and which the sweeper sends again when its
    message never arrives (`workers.sweeper`): what is waiting here when the process dies, and
    what fails to send, is sent by the sweeper within two of its intervals. When a send fails
    (the broker is down), everything waiting with it is dropped too, with one log line, so a
    dead broker's timeouts do not pile work up in memory; so is an item handed over while
    `limit` are already waiting. The thread starts on first use in each process (gunicorn forks
    its workers after the app is made) and, at exit, sends what is still waiting.
    """

    def __init__(
        self,
        send: Callable[[list[int]], None],
        what: str,
        *,
        linger: float = 0.020,
        busy: float = 0.005,
        batch: int = 100,
        limit: int = 10_000,
    ) -> None:
        self._send = send
        self._what = what
        self._linger = linger
        self._busy = busy
        self._batch = batch
        self._limit = limit
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._waiting: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        # A fork copies the lock as it was and none of the threads: the child starts afresh.
        reference = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _forget_thread(reference))
        atexit.register(_close_at_exit, reference)

    def __call__(self, item: int) -> None:
        """Hand item over to be sent; returns at once."""
        if self._pid != os.getpid():
            self._start()
        if self._waiting.qsize() >= self._limit:
            log.warning(
                "%d waiting to be sent; dropped %s %s, the sweeper will send it",
                self._limit,
                self._what,
                item,
            )
            return
        self._waiting.put(item)

    def close(self, timeout: float = 5.0) -> None:
        """Send what is waiting, then stop the thread (waits at most timeout seconds); an item
        handed over later starts a new one."""
        with self._lock:
            thread = self._thread
            if thread is None or self._pid != os.getpid():
                return
            self._waiting.put(_STOP)
            thread.join(timeout)
            self._pid = self._thread = None

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._waiting = queue.SimpleQueue()
            self._thread = threading.Thread(
                target=self._run, args=(self._waiting,), name=f"hand-off {self._what}", daemon=True
            )
            self._thread.start()
            self._pid = os.getpid()

    def _run(self, waiting: queue.SimpleQueue[object]) -> None:
        stopping = False
        sent_at = -float("inf")
        while not stopping:
            first = waiting.get()
            if first is _STOP:
                return
            items = [first]
            # Busy: sleep through the linger, then take what came meanwhile (blocking on the
            # queue woke this thread for every item handed over, each wake-up taking the
            # interpreter lock from the thread serving requests).
            if self._linger > 0 and time.monotonic() - sent_at < self._busy:
                time.sleep(self._linger)
            while len(items) < self._batch:
                try:
                    item = waiting.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                items.append(item)
            try:
                self._send(items)  # type: ignore[arg-type]
                sent_at = time.monotonic()
            except Exception:  # the broker is down: the sweeper sends these later
                dropped = 0
                while not stopping:
                    try:
                        item = waiting.get_nowait()
                    except queue.Empty:
                        break
                    stopping = item is _STOP
                    dropped += not stopping
                log.warning(
                    "could not send %s %s (nor %d more waiting); the sweeper will send them",
                    self._what,
                    ", ".join(map(str, items)),
                    dropped,
                    exc_info=True,
                )

    def _forget_thread(self) -> None:
        self._lock = threading.Lock()
        self._pid = None
        self._thread = None


def _forget_thread(reference: weakref.ref[HandOff]) -> None:
    hand_off = reference()
    if hand_off is not None:
        hand_off._forget_thread()


def _close_at_exit(reference: weakref.ref[HandOff]) -> None:
    hand_off = reference()
    if hand_off is not None:
        hand_off.close()
