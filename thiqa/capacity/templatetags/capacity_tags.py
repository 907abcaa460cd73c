"""Template filters of the capacity room."""

from typing import Any

from django import template

from thiqa.lib.bilingual import join_list

register = template.Library()


@register.filter
def names(codes: list[str], labels: dict[str, str]) -> str:
    """Codes a posting holds (pillars, regions...) as their names, in running text."""
    return join_list([str(labels.get(code, code)) for code in codes or []])


@register.filter
def parties(project: Any, role: str) -> list[Any]:
    """A project's parties of one role (funder, implementer, beneficiary)."""
    return project.parties_as(role)
