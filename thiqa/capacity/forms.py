"""Forms of the capacity pages. They collect; the one validation of a need, an offer or a
CIRT status is the service's (``services.clean_posting``, ``services.clean_cirt``), whose
errors the forms show beside the fields they concern."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, User
from thiqa.capacity.listing import PostingFilters, levels
from thiqa.capacity.matching import item_label
from thiqa.capacity.models import CirtStatus, Posting
from thiqa.capacity.services import CirtDraft, PostingDraft, split_sources
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
