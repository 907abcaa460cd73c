"""Forms of the incidents pages. They collect what people wrote; the one validation (of an
incident, a change, a scale) is the services', whose errors the forms show beside their
fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.catalogue.models import Item
from thiqa.directory.forms import split_list
from thiqa.incidents.models import COMMON_LEVELS, Incident
from thiqa.incidents.scales import current_levels
from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.sectors import sector_choices
from thiqa.lib.tlp import TLP
from thiqa.messaging.forms import tlp_choices
from thiqa.messaging.kinds import all_kinds, kind

DATETIME = {"type": "datetime-local"}
LINES = {"rows": 3, "dir": "ltr"}
NAMED_HELP = _(
    "E-mail addresses of people of the community, one per line or separated by commas. "
    "They read the incident whatever its label, TLP:RED included."
)


def named_people_field() -> forms.CharField:
    """People named on the incident, by address; the service finds them and refuses those
    unknown or outside the community."""
    return forms.CharField(
        label=_("People named"),
        required=False,
        help_text=NAMED_HELP,
        widget=forms.Textarea(attrs={**LINES, "spellcheck": "false", "autocomplete": "off"}),
    )


def common_level_choices() -> list[tuple[str, str]]:
    """The common five-level scale, as the messaging room's templates name its levels."""
    severity = next(f for f in kind("incident_notification").fields if f.name == "severity")
    return [(c.value, c.label) for c in severity.choices]


def level_choices(user: User) -> list[tuple[str, str]]:
    """The levels of the current scales of the participants ``user`` writes for."""
    return [
        (str(level.pk), f"{participant.name} · {level.name} → {level.common_level}")
        for participant in policy.writing_participants(user)
        for level in current_levels(participant)
    ]


def _participants() -> Any:
    return Participant.objects.filter(is_active=True).order_by("name_en")


class IncidentForm(ServiceErrorsMixin, forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Recorded for"), queryset=Participant.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    tlp = forms.ChoiceField(
        label=_("TLP label"), choices=tlp_choices(), initial=TLP.AMBER, widget=forms.RadioSelect
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    detected_at = forms.CharField(label=_("Detected at"), widget=forms.DateTimeInput(attrs=DATETIME))
    started_at = forms.CharField(
        label=_("Started at"), required=False, widget=forms.DateTimeInput(attrs=DATETIME)
    )
    ended_at = forms.CharField(
        label=_("Ended at"), required=False, widget=forms.DateTimeInput(attrs=DATETIME)
    )
    national_level = forms.ChoiceField(label=_("Level on your national scale"), required=False)
    common_level = forms.ChoiceField(
        label=_("Severity on the common five-level scale"),
        required=False,
        help_text=_("Follows from the national level when you choose one."),
    )
    sectors = forms.MultipleChoiceField(
        label=_("Affected sectors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    affected = forms.ModelMultipleChoiceField(
        label=_("Affected participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    cross_border = forms.BooleanField(label=_("Cross-border effect"), required=False)
    indicators = forms.CharField(
        label=_("Indicators (one per line)"), required=False, widget=forms.Textarea(attrs=LINES)
    )
    cves = forms.CharField(label=_("CVE identifiers"), required=False, widget=forms.Textarea(attrs=LINES))
    items = forms.MultipleChoiceField(
        label=_("Catalogue items"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    shared_participants = forms.ModelMultipleChoiceField(
        label=_("Shared with participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    shared_groups = forms.ModelMultipleChoiceField(
        label=_("Shared with groups"),
        queryset=ParticipantGroup.objects.order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    named_users = named_people_field()
    draft = forms.BooleanField(label=_("Keep as a draft (shared with nobody)"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = policy.writing_participants(user)  # type: ignore[attr-defined]
        for name in ("affected", "shared_participants"):
            self.fields[name].queryset = _participants()  # type: ignore[attr-defined]
        self.fields["national_level"].choices = [("", "—"), *level_choices(user)]  # type: ignore[attr-defined]
        self.fields["common_level"].choices = [("", "—"), *common_level_choices()]  # type: ignore[attr-defined]
        self.fields["sectors"].choices = sector_choices()  # type: ignore[attr-defined]
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (item.code, f"{item.code} · {item.title}")
            for item in Item.objects.filter(is_active=True).only("code", "title_en", "title_ar")
        ]
        if not self.is_bound:
            self.initial.setdefault("participant", self.fields["participant"].queryset.first())  # type: ignore[attr-defined]
            self.initial.setdefault("items", ["osce-cbm-15", "un-gge-2013-26c"])

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        participant = data.pop("participant")
        return {
            "participant": participant,
            **data,
            "national_level": data["national_level"] or None,
            "common_level": data["common_level"] or None,
            "started_at": data["started_at"] or None,
            "ended_at": data["ended_at"] or None,
            "named_users": split_list(data["named_users"]),
        }


class UpdateForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    text = forms.CharField(
        label=_("Note for the timeline"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    national_level = forms.ChoiceField(label=_("Level on your national scale"), required=False)
    common_level = forms.ChoiceField(label=_("Severity on the common five-level scale"), required=False)
    named_users = named_people_field()

    def __init__(self, *args: Any, user: User, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.named = list(incident.named_users.order_by("email").values_list("email", flat=True))
        self.initial.setdefault("named_users", "\n".join(self.named))
        self.fields["status"].choices = [("", _("Unchanged")), *Incident.Status.choices]  # type: ignore[attr-defined]
        levels = [
            (str(lvl.pk), f"{lvl.name} → {lvl.common_level}") for lvl in current_levels(incident.participant)
        ]
        self.fields["national_level"].choices = [("", _("Unchanged")), *levels]  # type: ignore[attr-defined]
        self.fields["common_level"].choices = [("", _("Unchanged")), *common_level_choices()]  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {"status": data["status"] or None, "text": data["text"]}
        if data["national_level"]:
            changes["national_level"] = data["national_level"]
        elif data["common_level"]:
            changes["common_level"] = data["common_level"]
        named = split_list(data["named_users"])
        # Only a posted list that differs is a change: a post without the field (or with the
        # same people) leaves them, and is not refused for someone named long ago.
        if "named_users" in self.data and {a.lower() for a in named} != set(self.named):
            changes["named_users"] = named
        return changes


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    common_level = forms.ChoiceField(label=_("Common severity"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    tlp = forms.ChoiceField(label=_("TLP label"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any")), ("open", _("Open")), *Incident.Status.choices]  # type: ignore[attr-defined]
        self.fields["common_level"].choices = [("", _("Any")), *((str(c), str(c)) for c in COMMON_LEVELS)]  # type: ignore[attr-defined]
        self.fields["sector"].choices = [("", _("Any")), *sector_choices()]  # type: ignore[attr-defined]
        self.fields["tlp"].choices = [("", _("Any")), *tlp_choices()]  # type: ignore[attr-defined]

    def apply(self, incidents: Any) -> Any:
        if not self.is_valid():
            return incidents
        data = self.cleaned_data
        if data["status"] == "open":
            incidents = incidents.open()
        elif data["status"]:
            incidents = incidents.filter(status=data["status"])
        if data["common_level"]:
            incidents = incidents.filter(common_level=int(data["common_level"]))
        if data["tlp"]:
            incidents = incidents.filter(tlp=data["tlp"])
        if data["sector"]:
            incidents = incidents.filter(sectors__icontains=f'"{data["sector"]}"')  # a code between quotes
        return incidents


LEVEL_ROWS = 7


class ScaleForm(ServiceErrorsMixin, forms.Form):
    """A version of a scale: its name and description and up to seven levels, least severe
    first (empty rows are left out; the service checks the rest)."""

    name = forms.CharField(label=_("Name of the scale"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        common = [("", "—"), *common_level_choices()]
        for row in range(1, LEVEL_ROWS + 1):
            self.fields[f"level{row}_ar"] = forms.CharField(
                label=_("Name in Arabic"), required=False, max_length=120
            )
            self.fields[f"level{row}_en"] = forms.CharField(
                label=_("Name in English"), required=False, max_length=120
            )
            self.fields[f"level{row}_other_language"] = forms.CharField(
                label=_("Other language (ISO 639-1 code)"), required=False, max_length=2
            )
            self.fields[f"level{row}_other"] = forms.CharField(
                label=_("Name in that language"), required=False, max_length=120
            )
            self.fields[f"level{row}_description"] = forms.CharField(label=_("Description"), required=False)
            self.fields[f"level{row}_common"] = forms.ChoiceField(
                label=_("Common level"), required=False, choices=common
            )

    def rows(self) -> list[list[forms.BoundField]]:
        names = ("ar", "en", "other_language", "other", "description", "common")
        return [[self[f"level{row}_{n}"] for n in names] for row in range(1, LEVEL_ROWS + 1)]

    def levels(self) -> list[dict[str, Any]]:
        data, levels = self.cleaned_data, []
        for row in range(1, LEVEL_ROWS + 1):
            get = lambda n, row=row: (data.get(f"level{row}_{n}") or "").strip()  # noqa: E731
            names = {code: get(code) for code in ("ar", "en") if get(code)}
            if get("other_language") or get("other"):
                names[get("other_language").lower()] = get("other")
            if not names and not get("common"):
                continue
            levels.append(
                {
                    "rank": len(levels) + 1,
                    "names": names,
                    "description": get("description"),
                    "common_level": int(get("common")) if get("common").isdigit() else None,
                }
            )
        return levels

    @classmethod
    def initial_for(cls, scale: Any) -> dict[str, Any]:
        if scale is None:
            return {}
        initial: dict[str, Any] = {"name": scale.name, "description": scale.description}
        for row, level in enumerate(scale.levels.all(), 1):
            names = dict(level.names)
            initial[f"level{row}_ar"] = names.pop("ar", "")
            initial[f"level{row}_en"] = names.pop("en", "")
            if names:
                code, text = next(iter(names.items()))
                initial[f"level{row}_other_language"], initial[f"level{row}_other"] = code, text
            initial[f"level{row}_description"] = level.description
            initial[f"level{row}_common"] = str(level.common_level)
        return initial


class AlertForm(ServiceErrorsMixin, forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=ParticipantGroup.objects.order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    text = forms.CharField(
        label=_("What the recipients should know and do"), widget=forms.Textarea(attrs={"rows": 4})
    )
    acknowledge_within_hours = forms.IntegerField(
        label=_("Acknowledge within (hours)"), min_value=1, max_value=720
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = _participants()  # type: ignore[attr-defined]
        hours = all_kinds()["early_warning"].acknowledge_within_hours if "early_warning" in all_kinds() else 4
        self.initial.setdefault("acknowledge_within_hours", hours)

    def service_field(self, name: str) -> str:
        return {"recipients": "participants", "body": "text"}.get(name, name)
