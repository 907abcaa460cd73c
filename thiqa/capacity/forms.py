"""Forms of the capacity pages. They collect; the one validation of a need, an offer or a
CIRT status is the service's (``services.clean_posting``, ``services.clean_cirt``), whose
errors the forms show beside the fields they concern."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.capacity.listing import PostingFilters, ProjectFilters, funder_choices, levels
from thiqa.capacity.matching import item_label
from thiqa.capacity.models import PARTY_FIELDS, CirtStatus, Engagement, Evaluation, Posting, Project
from thiqa.capacity.services import (
    FEEDING,
    CirtDraft,
    PostingDraft,
    ProjectDraft,
    split_sources,
)
from thiqa.capacity.vocabulary import WORLDWIDE, SupportKind, language_choices, pillars, region_choices
from thiqa.catalogue.models import Item
from thiqa.lib.forms import ServiceErrorsMixin


def item_choices() -> list[tuple[str, str]]:
    """Catalogue items as cited ("A/68/98 32(b) · Building incident-response capacity...")."""
    return [
        (item.code, f"{item_label(item)} · {item.title}")
        for item in Item.objects.filter(is_active=True).prefetch_related("citations")
    ]


class PostingForm(ServiceErrorsMixin, forms.Form):
    """A need or an offer: for whom, what about, where, in which languages, until when."""

    participant = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Participant.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"})
    )
    pillars = forms.MultipleChoiceField(label=_("GCA pillars"), widget=forms.CheckboxSelectMultiple)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of support"), choices=SupportKind.choices, widget=forms.CheckboxSelectMultiple
    )
    items = forms.MultipleChoiceField(
        label=_("Catalogue items"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The commitments this is about, for example GGE 2013 32(b) on national CERTs."),
    )
    regions = forms.MultipleChoiceField(label=_("Regions"), widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=language_choices(), widget=forms.CheckboxSelectMultiple
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it stands until it is closed."),
    )

    def __init__(self, *args: Any, user: User, posting: Posting | None = None, **kwargs: Any) -> None:
        if posting is not None:  # what it says now (a bound form shows what was posted)
            kwargs["initial"] = {
                "participant": posting.participant_id,
                "title": posting.title,
                "description": posting.description,
                "pillars": posting.pillars,
                "kinds": posting.kinds,
                "items": [i.code for i in posting.items.all()],
                "regions": posting.regions,
                "languages": posting.languages,
                "valid_until": posting.valid_until,
            }
        super().__init__(*args, **kwargs)
        self.fields["pillars"].choices = list(pillars().items())  # type: ignore[attr-defined]
        self.fields["regions"].choices = region_choices()  # type: ignore[attr-defined]
        self.fields["items"].choices = item_choices()  # type: ignore[attr-defined]
        if posting is None:
            self.fields["participant"].queryset = policy.writing_participants(user)  # type: ignore[attr-defined]
            self.fields["participant"].initial = self.fields["participant"].queryset.first()  # type: ignore[attr-defined]
        else:
            del self.fields["participant"]

    def draft(self) -> PostingDraft:
        data = self.cleaned_data
        return PostingDraft(
            title=data["title"],
            description=data["description"],
            pillars=list(data["pillars"]),
            regions=list(data["regions"]),
            languages=list(data["languages"]),
            kinds=list(data["kinds"]),
            items=list(data["items"]),
            valid_until=data["valid_until"],
        )


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    pillar = forms.ChoiceField(label=_("GCA pillar"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(label=_("Kind of support"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["pillar"].choices = anything + list(pillars().items())  # type: ignore[attr-defined]
        self.fields["region"].choices = anything + region_choices()  # type: ignore[attr-defined]
        self.fields["language"].choices = anything + language_choices()  # type: ignore[attr-defined]
        self.fields["kind"].choices = anything + list(SupportKind.choices)  # type: ignore[attr-defined]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (Posting.Status.OPEN, _("Open")),
            (Posting.Status.CLOSED, _("Closed")),
            ("all", _("All")),
        ]

    def filters(self) -> PostingFilters:
        if not self.is_valid():
            return PostingFilters()
        names = ("q", "pillar", "region", "language", "kind")
        data = {name: self.cleaned_data.get(name) or "" for name in names}
        status = self.cleaned_data.get("status") or Posting.Status.OPEN
        return PostingFilters(status="" if status == "all" else status, **data)


class EngageForm(ServiceErrorsMixin, forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Say what you propose; the other side's focal points receive it by e-mail."),
    )


class AnswerForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Required to decline; the asking side reads it."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("What the work achieved; both sides and the secretariat read it."),
    )


class StopForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for stopping"), widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=Evaluation.Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Your evaluation"), widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def engagement_label(engagement: Engagement) -> str:
    return (
        f"#{engagement.pk} · {engagement.need.participant.name} ← {engagement.offer.participant.name} · "
        f"{engagement.need.title} ({engagement.get_status_display()})"
    )


class ProjectForm(ServiceErrorsMixin, forms.Form):
    """A project of the registry, as the secretariat records it; ``services.clean_project``
    checks it."""

    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
    )
    title_ar = forms.CharField(
        label=_("Title in Arabic"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"})
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Required once the project is completed."),
    )
    pillars = forms.MultipleChoiceField(label=_("GCA pillars"), widget=forms.CheckboxSelectMultiple)
    items = forms.MultipleChoiceField(
        label=_("Catalogue items"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    funders = forms.MultipleChoiceField(label=_("Funders in the community"), required=False)
    outside_funders = forms.CharField(label=_("Funders outside the community"), required=False)
    implementers = forms.MultipleChoiceField(label=_("Implementers in the community"), required=False)
    outside_implementers = forms.CharField(label=_("Implementers outside the community"), required=False)
    beneficiaries = forms.MultipleChoiceField(label=_("Beneficiaries in the community"), required=False)
    outside_beneficiaries = forms.CharField(label=_("Beneficiaries outside the community"), required=False)
    engagements = forms.TypedMultipleChoiceField(
        label=_("Engagements that fed it"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(self, *args: Any, project: Project | None = None, **kwargs: Any) -> None:
        if project is not None:
            kwargs["initial"] = _project_initial(project)
        super().__init__(*args, **kwargs)
        self.fields["pillars"].choices = list(pillars().items())  # type: ignore[attr-defined]
        self.fields["items"].choices = item_choices()  # type: ignore[attr-defined]
        participants = [
            (p.code, p.name) for p in Participant.objects.filter(is_active=True).order_by("name_en")
        ]
        for name in PARTY_FIELDS.values():
            self.fields[name].choices = participants  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["size"] = 6
            outside = self.fields[f"outside_{name}"]
            outside.widget = forms.Textarea(attrs={"rows": 2, "dir": "auto"})
            outside.help_text = _("One name per line.")
        feeding = Engagement.objects.filter(status__in=FEEDING).select_related(
            "need__participant", "offer__participant"
        )
        self.fields["engagements"].choices = [(e.pk, engagement_label(e)) for e in feeding]  # type: ignore[attr-defined]

    def draft(self) -> ProjectDraft:
        data = self.cleaned_data
        parties: dict[str, Any] = {}
        for name in PARTY_FIELDS.values():
            parties[name] = list(data[name])
            parties[f"outside_{name}"] = _lines(data[f"outside_{name}"])
        return ProjectDraft(
            title_en=data["title_en"],
            title_ar=data["title_ar"],
            description=data["description"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            status=data["status"],
            outcome=data["outcome"],
            pillars=list(data["pillars"]),
            items=list(data["items"]),
            engagements=list(data["engagements"]),
            **parties,
        )


def _project_initial(project: Project) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(project, name)
        for name in (
            "title_en",
            "title_ar",
            "description",
            "status",
            "start_date",
            "end_date",
            "outcome",
            "pillars",
        )
    }
    initial["items"] = [i.code for i in project.items.all()]
    initial["engagements"] = [e.pk for e in project.engagements.all()]
    for role, name in PARTY_FIELDS.items():
        parties = project.parties_as(role)
        initial[name] = [p.participant.code for p in parties if p.participant]
        initial[f"outside_{name}"] = "\n".join(p.name for p in parties if not p.participant)
    return initial


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    pillar = forms.ChoiceField(label=_("GCA pillar"), required=False)
    region = forms.ChoiceField(label=_("Beneficiaries' region"), required=False)
    funder = forms.ChoiceField(label=_("Funder"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["status"].choices = anything + list(Project.Status.choices)  # type: ignore[attr-defined]
        self.fields["pillar"].choices = anything + list(pillars().items())  # type: ignore[attr-defined]
        self.fields["region"].choices = anything + [c for c in region_choices() if c[0] != WORLDWIDE]  # type: ignore[attr-defined]
        self.fields["funder"].choices = anything + funder_choices()  # type: ignore[attr-defined]

    def filters(self) -> ProjectFilters:
        if not self.is_valid():
            return ProjectFilters()
        return ProjectFilters(
            **{
                name: self.cleaned_data.get(name) or ""
                for name in ("q", "status", "pillar", "region", "funder")
            }
        )


class CirtForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("National CIRT"), choices=CirtStatus.Level.choices, widget=forms.RadioSelect
    )
    assessment_done = forms.BooleanField(label=_("A readiness assessment was done"), required=False)
    assessment_year = forms.IntegerField(label=_("Year of the assessment"), required=False)
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("Web addresses or references, one per line."),
    )

    def draft(self) -> CirtDraft:
        data = self.cleaned_data
        return CirtDraft(
            status=data["status"],
            assessment_done=data["assessment_done"],
            assessment_year=data["assessment_year"],
            sources=split_sources(data["sources"]),
        )


class CirtFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.BooleanField(label=_("Priorities only (no national CIRT)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["region"].choices = anything + [c for c in region_choices() if c[0] != WORLDWIDE]  # type: ignore[attr-defined]
        self.fields["status"].choices = anything + levels()  # type: ignore[attr-defined]
