"""Forms of the activities pages. They collect what the author wrote; the one validation of
an activity is the service's (``services.check``), whose errors the form shows beside the
fields they concern."""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.activities.listing import WHEN, Filters
from thiqa.activities.models import Activity
from thiqa.activities.services import Draft, time_zones
from thiqa.activities.vocabulary import AUDIENCES, KINDS
from thiqa.catalogue.models import Term
from thiqa.lib import tlp
from thiqa.lib.bilingual import in_language
from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.languages import language_choices


def kind_choices() -> list[tuple[str, str]]:
    return [(code, in_language(choice.labels)) for code, choice in KINDS.items()]


def pillar_choices() -> list[tuple[str, str]]:
    return [(t.code, t.title) for t in Term.objects.filter(axis=Term.Axis.PILLAR).order_by("order")]


def organizing_participants(user: User) -> QuerySet[Participant]:
    """The participants ``user`` may record activities for, as the policy decides."""
    active = Participant.objects.filter(is_active=True).order_by("name_en")
    return active.filter(pk__in=[p.pk for p in active if policy.can(user, "activities.create", p)])


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=500)
    group = forms.ChoiceField(label=_("Group"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    pillar = forms.ChoiceField(label=_("GCA pillar"), required=False)
    when = forms.ChoiceField(label=_("When"), required=False)

    def __init__(self, *args: Any, with_when: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = ParticipantGroup.objects.order_by("code")
        self.fields["group"].choices = [("", _("All groups")), *((g.code, g.name) for g in groups)]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["pillar"].choices = [("", _("All pillars")), *pillar_choices()]  # type: ignore[attr-defined]
        self.fields["when"].choices = list(WHEN.items())  # type: ignore[attr-defined]
        if not with_when:
            del self.fields["when"]

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(
            group=data["group"],
            kind=data["kind"],
            pillar=data["pillar"],
            when=data.get("when") or "upcoming",
            q=data["q"].strip(),
        )


_SPLIT = re.compile(r"[\s,;،]+")


class ActivityForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    all_day = forms.BooleanField(label=_("All day (no times)"), required=False)
    first_day = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    end_time = forms.TimeField(
        label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), initial="UTC", help_text=_("Where the activity happens; times are local to it.")
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Held online (or also online)"), required=False)
    organizer = forms.ModelChoiceField(
        label=_("Organizer"), queryset=Participant.objects.none(), required=False, empty_label="—"
    )
    organizer_name = forms.CharField(
        label=_("Or a body outside the community"),
        max_length=200,
        required=False,
        help_text=_("An organization that is not a participant, such as the ITU or the GFCE."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=ParticipantGroup.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.MultipleChoiceField(
        label=_("Audience"), required=False, widget=forms.CheckboxSelectMultiple
    )
    pillars = forms.MultipleChoiceField(
        label=_("GCA pillars"), required=False, widget=forms.CheckboxSelectMultiple
    )
    items = forms.CharField(
        label=_("Catalogue items"),
        required=False,
        help_text=_("Codes separated by spaces or commas, such as osce-cbm-11 un-gge-2015-13h."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        help_text=_("One web address a line: programme, registration, report."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    tlp = forms.ChoiceField(label=_("TLP label"), widget=forms.RadioSelect, initial=tlp.TLP.GREEN)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = [(z, z) for z in sorted(time_zones())]  # type: ignore[attr-defined]
        organizers = organizing_participants(user)
        self.fields["organizer"].queryset = organizers  # type: ignore[attr-defined]
        if "organizer" not in self.initial and len(own := list(organizers[:2])) == 1:
            self.initial["organizer"] = own[0]  # the one participant they write for
        if not policy.can(user, "activities.record_outside"):
            del self.fields["organizer_name"]
        self.fields["audience"].choices = [(c, in_language(a.labels)) for c, a in AUDIENCES.items()]  # type: ignore[attr-defined]
        self.fields["pillars"].choices = pillar_choices()  # type: ignore[attr-defined]
        self.fields["languages"].choices = language_choices()  # type: ignore[attr-defined]
        self.fields["tlp"].choices = [(label, tlp.marking(label)) for label in tlp.ORDER]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, activity: Activity) -> dict[str, Any]:
        """The form's values for an existing activity (local times of its own zone)."""
        start = activity.starts_at.astimezone(activity.zone)
        end = activity.ends_at.astimezone(activity.zone)
        return {
            "kind": activity.kind,
            "title": activity.title,
            "description": activity.description,
            "all_day": activity.all_day,
            "first_day": activity.first_day,
            "last_day": activity.last_day,
            "start_time": None if activity.all_day else start.time(),
            "end_time": None if activity.all_day else end.time(),
            "time_zone": activity.time_zone,
            "place": activity.place,
            "online": activity.online,
            "organizer": activity.organizer,
            "organizer_name": activity.organizer_name,
            "groups": list(activity.groups.all()),
            "audience": activity.audience,
            "pillars": activity.pillar_codes,
            "items": " ".join(activity.items.values_list("code", flat=True)),
            "languages": activity.languages,
            "links": "\n".join(activity.links),
            "tlp": activity.tlp,
        }

    def draft(self) -> Draft:
        data = self.cleaned_data
        all_day = data["all_day"]
        return Draft(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            all_day=all_day,
            start=data["first_day"] if all_day else self._moment(data["first_day"], data["start_time"]),
            end=data["last_day"] if all_day else self._moment(data["last_day"], data["end_time"]),
            time_zone=data["time_zone"],
            place=data["place"],
            online=data["online"],
            organizer=data["organizer"],
            organizer_name=data.get("organizer_name", ""),
            groups=list(data["groups"]),
            audience=data["audience"],
            pillars=data["pillars"],
            items=[c for c in _SPLIT.split(data["items"]) if c],
            languages=data["languages"],
            links=[line.strip() for line in data["links"].splitlines() if line.strip()],
            tlp=data["tlp"],
        )

    @staticmethod
    def _moment(day: Any, at: Any) -> datetime | None:
        return datetime.combine(day, at) if day and at else None

    def service_field(self, name: str) -> str:
        if name not in ("start", "end"):
            return name
        if self.cleaned_data.get("all_day"):
            return "first_day" if name == "start" else "last_day"
        return f"{name}_time"
