"""Links a page of a lower room shows to what higher rooms hold about its object (a
catalogue item's national positions, a participant's profile): a room registers a provider
for the page's name in its ``AppConfig.ready``; the page asks :func:`links_for`.

A provider takes the person and the object and returns links ``{"text", "url"}``, only to
what the person may see."""

from collections.abc import Callable
from typing import Any

Link = dict[str, str]
Provider = Callable[[Any, Any], list[Link]]
PROVIDERS: dict[str, list[Provider]] = {}


def provides_links(page: str) -> Callable[[Provider], Provider]:
    def register(provider: Provider) -> Provider:
        providers = PROVIDERS.setdefault(page, [])
        if provider not in providers:
            providers.append(provider)
        return provider

    return register


def links_for(page: str, user: Any, obj: Any) -> list[Link]:
    return [link for provider in PROVIDERS.get(page, []) for link in provider(user, obj)]
