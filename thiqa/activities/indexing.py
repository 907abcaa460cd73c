"""How activities are found: the words of an activity, for the room's own search among the
activities a person may see, and the entry the shared search index holds for it.

Only CLEAR and GREEN activities that are not cancelled enter the shared index (the library's
search, used by /search/ and /api/v1/search): every community member may read them, and the
index's statistics shape every score, so a restricted activity indexed there would leak
through the order and the scores of other results. AMBER and RED activities are found only
on the activities pages, among those the person may see (``listing.search``). Visitors who
are not signed in see no activity (``activities.view_activity``), so none is public in the
index: visitors' searches never find one, nor are scored with their words.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.activities.models import SHARED_LABELS, Activity
from thiqa.activities.vocabulary import KINDS
from thiqa.lib.text import is_arabic, tokenize
from thiqa.lib.wordsearch import stored_terms
from thiqa.library import search

SOURCE_NAME = "activity"


def language_of(activity: Activity) -> str:
    """ "ar" when most words of the title and description are Arabic, else "en"."""
    tokens = tokenize(f"{activity.title} {activity.description}")
    arabic = sum(1 for t in tokens if is_arabic(t))
    return "ar" if arabic * 2 > len(tokens) else "en"


def _names(activity: Activity) -> str:
    """Words a searcher may use that the title and description do not hold: the kind in both
    languages, the organizer's names, the place, the groups' codes and names."""
    kind = KINDS.get(activity.kind)
    parts = [*(kind.labels.values() if kind else ()), activity.place, activity.organizer_name]
    if activity.organizer_id:
        parts += [activity.organizer.name_en, activity.organizer.name_ar]
    for group in activity.groups.all():
        parts += [group.code, group.name_en, group.name_ar]
    return " ".join(p for p in parts if p)


def search_terms(activity: Activity) -> str:
    """The analysed words of everything searchable, between spaces (``" t1 t2 "``), so that a
    word is matched whole by ``contains``."""
    return stored_terms(activity.title, activity.description, _names(activity))


def is_shared(activity: Activity) -> bool:
    return activity.tlp in SHARED_LABELS and activity.cancelled_at is None


def searchable(activity: Activity) -> search.Searchable:
    return search.Searchable(
        key=str(activity.pk),
        title=activity.title,
        text=activity.description or activity.title,
        language=language_of(activity),
        extra=_names(activity),
        pillars=tuple(activity.pillar_codes),
        public=policy.can(None, "activities.view_activity", activity),
    )


def refresh(activity: Activity) -> None:
    """Keep the shared index in step after a change: in it when shared, out of it otherwise
    (cancelled, or now labelled AMBER or stricter)."""
    if is_shared(activity):
        search.index(SOURCE_NAME, searchable(activity))
    else:
        search.unindex(SOURCE_NAME, str(activity.pk))


def _everything() -> list[search.Searchable]:
    shared = Activity.objects.current().filter(tlp__in=SHARED_LABELS)
    return [searchable(a) for a in shared.select_related("organizer").prefetch_related("groups")]


def _url(key: str) -> str:
    return reverse("activities:detail", args=[int(key)])


def register() -> None:
    """Called from ``ActivitiesConfig.ready``."""
    search.register_source(
        search.Source(name=SOURCE_NAME, label=_("Activity"), url=_url, everything=_everything)
    )
