"""Making the Dramatiq broker a broker URL names, and where actors wait until one is set up.

Nothing here reads the environment or connects: `workers.setup` chooses the broker from the
settings it is given (the web app's, or the worker process's).
"""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware, Retries, TimeLimit


def middleware() -> list[Middleware]:
    """The middleware the actors use, and no more: retries with backoff (every actor) and time
    limits (exports, and ten minutes for the rest). Dramatiq's other defaults (age limits,
    shutdown notifications, callbacks, pipelines) serve options no actor sets, yet each is
    called before and after every message, its enqueue and its ack."""
    return [TimeLimit(), Retries()]


def make_broker(url: str) -> dramatiq.Broker:
    """A new broker for url: "redis://..." in production, "stub://" for the embedded demo and
    tests, where a worker thread in the same process consumes the messages."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Short timeouts: a child waiting on the thank-you page must not wait for a dead broker.
        return RedisBroker(
            url=url,
            middleware=middleware(),
            socket_connect_timeout=1,
            socket_timeout=5,
            health_check_interval=30,
        )
    if url.startswith("stub://"):
        broker = StubBroker(middleware=middleware())
        broker.emit_after("process_boot")
        return broker
    raise ValueError(f"SURVEY_BROKER_URL must be redis://... or stub://, not {url!r}")


class NotSetUp(StubBroker):
    """Where the actors are declared when their module is imported, until `workers.setup`
    declares them on the real broker: a message sent before that is a mistake that must be
    seen, not one left in a queue nobody reads."""

    def enqueue(self, message: dramatiq.Message[Any], *, delay: int | None = None) -> Any:
        raise RuntimeError(
            f"no broker is set up to send {message.actor_name!r} to: call "
            "workers.setup.setup_workers (create_app and workers.main do) first"
        )


# The actors' options (retries, time limits) are checked against this broker's middleware,
# which is the same default set the real brokers have.
NOT_SET_UP = NotSetUp()
