"""A stop request for long loops inside a task: the worker sets it on SIGTERM, and loops that
can stop between two steps (outbox delivery, check-round preparation) look at it, so a stop
waits for the step in hand, not for a whole round of thousands of messages."""

import threading

_requested = threading.Event()


def request() -> None:
    _requested.set()


def clear() -> None:
    _requested.clear()


def requested() -> bool:
    return _requested.is_set()
