"""Machine parameters of catalogue items, for the rooms that apply the rules.

Other rooms read rules such as "re-confirm contacts every 12 months" from here instead
of hard-coding them::

    months = parameter("osce-cbm-8", "reconfirm_months")
"""

from typing import Any

from thiqa.catalogue.models import Item


class MissingParameter(LookupError):
    """The catalogue does not define this parameter (is the catalogue loaded?)."""


def parameters(code: str) -> dict[str, Any]:
    values = Item.objects.filter(code=code, is_active=True).values_list("parameters", flat=True).first()
    if values is None:
        raise MissingParameter(f"the catalogue has no item {code!r}; run `thiqa catalogue load`")
    return values


def parameter(code: str, name: str) -> Any:
    values = parameters(code)
    if name not in values:
        raise MissingParameter(f"catalogue item {code!r} has no parameter {name!r}")
    return values[name]
