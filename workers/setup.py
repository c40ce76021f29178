"""The one place the broker is set up: chosen from the settings a caller passes (create_app's,
or the worker process's in `workers.main`), given the sweeper, and made the broker every actor
is declared on.

One broker per broker URL per process, kept once made: each app a test makes shares the stub
broker's queues and the in-process worker consuming them, and only its `WorkerContext` changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dramatiq

from . import actors
from .broker import make_broker
from .context import WorkerContext, use_context
from .sweeper import Sweeper

_brokers: dict[str, dramatiq.Broker] = {}


def use_broker(url: str) -> dramatiq.Broker:
    """The process's broker for url (made, with the sweeper, the first time), with every actor
    declared on it and set as Dramatiq's broker."""
    broker = _brokers.get(url)
    if broker is None:
        broker = make_broker(url)
        broker.add_middleware(Sweeper())
        _brokers[url] = broker
    for actor in actors.ACTORS:
        if actor.broker is not broker:
            actor.broker = broker
            broker.declare_actor(actor)
    dramatiq.set_broker(broker)
    return broker


def setup_workers(settings: Mapping[str, Any], context: WorkerContext) -> dramatiq.Broker:
    """Set up the broker settings["BROKER_URL"] names and give the actors and the sweeper
    context; returns the broker (an in-process worker consumes it)."""
    use_context(context)
    return use_broker(settings["BROKER_URL"])
