"""The home page's to-do list: each room contributes what a person has to do there.

A provider takes the signed-in user and returns items ``{"text", "url", "level"}``;
rooms register providers in their ``AppConfig.ready``.
"""

from collections.abc import Callable
from typing import Any

TodoItem = dict[str, Any]
PROVIDERS: list[Callable[[Any], list[TodoItem]]] = []


def provides_todo(provider: Callable[[Any], list[TodoItem]]) -> Callable[[Any], list[TodoItem]]:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def todo_for(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in PROVIDERS:
        items.extend(provider(user))
    return items
