"""Catalogue items cited by the other rooms: a message, a capacity posting or an activity
names the commitments it acts under by their codes."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from thiqa.catalogue.models import Item


def cited_items(codes: Sequence[str], errors: dict[str, list[str]]) -> list[Item]:
    """The active items ``codes`` name, once each and in the order given; the codes of
    unknown or withdrawn items are reported in ``errors["items"]``."""
    found = Item.objects.filter(code__in=codes, is_active=True).in_bulk(field_name="code")
    missing = [str(code) for code in dict.fromkeys(codes) if code not in found]
    if missing:
        errors["items"] = [_("Unknown catalogue items: %(codes)s.") % {"codes": ", ".join(missing[:10])}]
    return [found[code] for code in dict.fromkeys(codes) if code in found]
