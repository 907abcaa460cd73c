"""Signals of the catalogue room. Higher rooms (library, search) listen instead of being imported."""

from django.dispatch import Signal

# Sent after a successful load, outside its transaction: rooms that link to items
# (citation resolution, the search index) refresh themselves.
catalogue_loaded = Signal()
