"""What higher rooms add to the pages of lower rooms, which never import them: links (a
catalogue item's national positions, a participant's profile) and whole sections (a
participant's capacity-building record). The one registry of such additions.

A room registers a provider for a page's name (``"catalogue.item"``,
``"accounts.participant"``) in its ``AppConfig.ready``; the page asks :func:`extras_for`.
A provider takes the person and the page's object and returns its :class:`Link` and
:class:`Section` entries, only about what the person may see (an empty list otherwise). The
page shows the links as a list and includes each section's template with ``section`` in
its context."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Section:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Extras:
    """What the providers of one page gave for one person and object, in registration order."""

    links: list[Link]
    sections: list[Section]


Provider = Callable[[Any, Any], list[Link | Section]]
PROVIDERS: dict[str, list[Provider]] = {}


def provides(page: str) -> Callable[[Provider], Provider]:
    """Register the decorated provider for ``page`` (once, however often it is imported)."""

    def register(provider: Provider) -> Provider:
        providers = PROVIDERS.setdefault(page, [])
        if provider not in providers:
            providers.append(provider)
        return provider

    return register


def extras_for(page: str, user: Any, obj: Any) -> Extras:
    found = [extra for provider in PROVIDERS.get(page, []) for extra in provider(user, obj)]
    return Extras(
        links=[e for e in found if isinstance(e, Link)],
        sections=[e for e in found if isinstance(e, Section)],
    )
