"""The one place the Dramatiq broker is chosen; import this before any actor.

SURVEY_BROKER_URL picks it: "redis://..." in production, "stub://" (the default) for the embedded
demo and tests, where a worker thread in the same process consumes the messages.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from survey_app.settings import load_settings

from .sweeper import Sweeper


def make_broker(url: str) -> dramatiq.Broker:
    """A broker for url, with the sweeper that re-sends responses a lost message left behind."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Short timeouts: a child waiting on the thank-you page must not wait for a dead broker.
        broker: dramatiq.Broker = RedisBroker(
            url=url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=30
        )
    elif url.startswith("stub://"):
        broker = StubBroker()
        broker.emit_after("process_boot")
    else:
        raise ValueError(f"SURVEY_BROKER_URL must be redis://... or stub://, not {url!r}")
    broker.add_middleware(Sweeper())
    return broker


broker = make_broker(load_settings()["BROKER_URL"])
dramatiq.set_broker(broker)
