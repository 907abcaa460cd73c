"""Browsing, comparing and searching arrangements: the records are the community's; a
discussion's words are searched only by those who may read it."""

from dataclasses import dataclass

from django.db.models import QuerySet

from thiqa.accounts import policy
from thiqa.accounts.models import User
from thiqa.lib import wordsearch
from thiqa.partnerships.models import Arrangement, Post

MAX_COMPARED = 3


@dataclass
class Filters:
    purpose: str = ""
    sector: str = ""
    model: str = ""
    owner: str = ""
    q: str = ""


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
        terms = wordsearch.query_terms(filters.q)
        if not terms:
            return found.none()
        in_record = wordsearch.holding(Arrangement.objects.all(), terms).values("pk")
        in_discussion = _readable_discussions(user, terms)
        found = found.filter(pk__in=in_record) | found.filter(pk__in=in_discussion)
    return found.distinct().order_by("name", "pk")


def _readable_discussions(user: User, terms: list[str]) -> list[int]:
    posts = wordsearch.holding(Post.objects.all(), terms)
    candidates = Arrangement.objects.filter(pk__in=posts.values("arrangement_id"))
    return [a.pk for a in candidates if policy.can(user, "partnerships.view_discussion", a)]


def discussion_search(user: User, arrangement: Arrangement, query: str) -> QuerySet[Post]:
    policy.require(user, "partnerships.view_discussion", arrangement)
    posts = arrangement.posts.select_related("author", "author_participant")
    return wordsearch.search(posts, query)
