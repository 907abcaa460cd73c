"""Word search within a room's own records.

A record keeps the analysed words of its texts (:func:`thiqa.lib.text.analyze`, Arabic and
English) in a ``search_terms`` column, once each and between spaces (``" t1 t2 "``), so that
``contains`` matches whole words on SQLite and PostgreSQL alike. A search keeps the records
holding every word of the query. Rooms search here, among the records a person may read,
whatever is labelled above what the shared library index may hold.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from thiqa.lib.text import analyze

MAX_QUERY = 500  # characters

M = TypeVar("M", bound=Model)


class QueryError(ValueError):
    """A search that cannot be run; the message is translated."""


def stored_terms(*texts: str) -> str:
    """The ``search_terms`` value of a record with these texts."""
    return " " + " ".join(dict.fromkeys(analyze(" ".join(texts)))) + " "


def query_terms(query: str) -> list[str]:
    """The words of a query, once each; :class:`QueryError` if it is too long."""
    if len(query) > MAX_QUERY:
        raise QueryError(_("The search is too long (at most %(limit)d characters).") % {"limit": MAX_QUERY})
    return list(dict.fromkeys(analyze(query)))


def holding(records: QuerySet[M], terms: Iterable[str]) -> QuerySet[M]:
    """The records among ``records`` that hold every one of ``terms``."""
    for term in dict.fromkeys(terms):
        records = records.filter(search_terms__contains=f" {term} ")
    return records


def search(records: QuerySet[M], query: str) -> QuerySet[M]:
    """The records among ``records`` holding every word of ``query``; none for a query
    without words."""
    terms = query_terms(query)
    return holding(records, terms) if terms else records.none()


T = TypeVar("T")


def searched(find: Callable[[], T], empty: T) -> tuple[T, str]:
    """What ``find`` returns and no error, or ``empty`` and the translated reason the search
    cannot be run: how a list page shows its search's results or why there are none."""
    try:
        return find(), ""
    except QueryError as exc:
        return empty, str(exc)
