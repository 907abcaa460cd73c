"""Sections that rooms add to a participant's page (in accounts), which never imports them.

A provider takes the viewer and the participant and returns a :class:`Section`, or None when
it has nothing to show them; rooms register providers in their ``AppConfig.ready``. The page
includes each section's template with ``section`` in its context.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Any, Any], Section | None]
PROVIDERS: list[Provider] = []


def provides_section(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def sections_for(user: Any, participant: Any) -> list[Section]:
    return [section for provider in PROVIDERS if (section := provider(user, participant)) is not None]
