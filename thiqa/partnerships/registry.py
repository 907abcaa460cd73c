"""Browsing, comparing and searching arrangements: the records are the community's; a
discussion's words are searched only by those who may read it."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from thiqa.accounts import policy
from thiqa.accounts.models import User
from thiqa.lib.text import analyze
from thiqa.partnerships.models import Arrangement, Post

MAX_QUERY = 500
MAX_COMPARED = 3


class QueryError(ValueError):
    """A search that cannot be run; the message is translated."""


@dataclass
class Filters:
    purpose: str = ""
    sector: str = ""
    model: str = ""
    owner: str = ""
    q: str = ""


def _terms(query: str) -> list[str]:
    if len(query) > MAX_QUERY:
        raise QueryError(_("The search is too long (at most %(limit)d characters).") % {"limit": MAX_QUERY})
    return list(dict.fromkeys(analyze(query)))


def browse(user: User, filters: Filters) -> QuerySet[Arrangement]:
    """The arrangements that match; a search also finds those whose discussion holds the
    words, for the people who may read that discussion and nobody else."""
    policy.require(user, "partnerships.view")
    found = Arrangement.objects.select_related("owner")
    if filters.purpose:
        found = found.filter(
            purposes__icontains=f'"{filters.purpose}"'
        )  # a whole JSON string, on both databases
    if filters.sector:
        found = found.filter(sectors__icontains=f'"{filters.sector}"')
    if filters.model:
        found = found.filter(model=filters.model)
    if filters.owner:
        found = found.filter(owner__code=filters.owner)
    if filters.q:
        terms = _terms(filters.q)
        if not terms:
            return found.none()
        in_record = Arrangement.objects.search(terms).values("pk")
        in_discussion = _readable_discussions(user, terms)
        found = found.filter(pk__in=in_record) | found.filter(pk__in=in_discussion)
    return found.distinct().order_by("name", "pk")


def _readable_discussions(user: User, terms: list[str]) -> list[int]:
    posts = Post.objects.all()
    for term in terms:
        posts = posts.filter(search_terms__contains=f" {term} ")
    candidates = Arrangement.objects.filter(pk__in=posts.values("arrangement_id"))
    return [a.pk for a in candidates if policy.can(user, "partnerships.view_discussion", a)]


def discussion_search(user: User, arrangement: Arrangement, query: str) -> QuerySet[Post]:
    policy.require(user, "partnerships.view_discussion", arrangement)
    posts = arrangement.posts.select_related("author", "author_participant")
    terms = _terms(query)
    for term in terms:
        posts = posts.filter(search_terms__contains=f" {term} ")
    return posts if terms else posts.none()
