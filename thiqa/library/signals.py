"""Keep the library in step with the catalogue: after a load, citations are resolved to
passages again and the catalogue's search entries rebuilt."""

from typing import Any

from django.dispatch import receiver

from thiqa.catalogue.signals import catalogue_loaded
from thiqa.library import search
from thiqa.library.services import resolve_citations


@receiver(catalogue_loaded)
def refresh_after_catalogue_load(sender: Any, **kwargs: Any) -> None:
    resolve_citations()
    search.reindex_catalogue()
