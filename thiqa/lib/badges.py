"""Counts shown beside navigation links, such as unread messages: a room registers a
counter under a name in its ``AppConfig.ready``; the navigation names the counter it shows."""

from collections.abc import Callable
from typing import Any

COUNTERS: dict[str, Callable[[Any], int]] = {}


def counter(name: str) -> Callable[[Callable[[Any], int]], Callable[[Any], int]]:
    def register(count: Callable[[Any], int]) -> Callable[[Any], int]:
        COUNTERS[name] = count
        return count

    return register


def count(name: str, user: Any) -> int:
    """The registered counter's value for ``user`` (0 if no room registered it)."""
    counter = COUNTERS.get(name)
    return counter(user) if counter else 0
