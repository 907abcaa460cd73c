"""The one validation of an arrangement's record (pages and API), and the small forms of
joining, deciding, goals, progress and discussion."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.sectors import sector_choices
from thiqa.partnerships.models import Arrangement, Funding, Lifespan, Membership, Model, Purpose, Vetting

TEXT = {"rows": 3, "dir": "auto"}
HEADINGS = {
    "purpose": ("purposes", "problem", "ecosystem", "assessment", "incentives", "coordinator"),
    "policies": ("legal_basis", "consultation", "transparency"),
    "process": (
        "goals",
        "activities",
        "lifespan",
        "ends_on",
        "funding",
        "security_rules",
        "monitoring",
        "review",
        "communication",
    ),
    "people": (
        "responsibilities",
        "membership",
        "vetting",
        "nda_text",
        "non_national_members",
        "contributions",
        "dedicated_posts",
    ),
}


class ArrangementForm(ServiceErrorsMixin, forms.ModelForm):
    """The record, under the four headings. Empty fields are allowed (the completeness check
    shows what is missing); what is given must be consistent."""

    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple
    )
    purposes = forms.MultipleChoiceField(
        label=_("Purposes"), choices=Purpose.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    funding = forms.MultipleChoiceField(
        label=_("Funding sources"),
        choices=Funding.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Arrangement
        fields = [
            "name",
            "model",
            "sectors",
            *HEADINGS["purpose"],
            *HEADINGS["policies"],
            *HEADINGS["process"],
            *HEADINGS["people"],
        ]
        widgets = {
            **{
                name: forms.Textarea(attrs=TEXT)
                for name in (
                    "problem",
                    "ecosystem",
                    "assessment",
                    "incentives",
                    "coordinator",
                    "legal_basis",
                    "consultation",
                    "transparency",
                    "goals",
                    "activities",
                    "security_rules",
                    "monitoring",
                    "review",
                    "communication",
                    "responsibilities",
                    "nda_text",
                    "contributions",
                    "dedicated_posts",
                )
            },
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = sector_choices()  # type: ignore[attr-defined]
        self.fields["model"].choices = Model.choices  # type: ignore[attr-defined]
        self.fields["lifespan"].choices = [("", "—"), *Lifespan.choices]  # type: ignore[attr-defined]
        self.fields["membership"].choices = [("", "—"), *Membership.choices]  # type: ignore[attr-defined]
        self.fields["vetting"].choices = [("", "—"), *Vetting.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("lifespan") == Lifespan.FIXED_TERM and not data.get("ends_on"):
            self.add_error("ends_on", _("A fixed-term arrangement needs the date it ends."))
        if data.get("lifespan") != Lifespan.FIXED_TERM and data.get("ends_on"):
            self.add_error("ends_on", _("Only a fixed-term arrangement has an end date."))
        if data.get("vetting") == Vetting.NDA and not (data.get("nda_text") or "").strip():
            self.add_error("nda_text", _("Give the text of the non-disclosure agreement members accept."))
        return data

    def headings(self) -> list[tuple[str, list[forms.BoundField]]]:
        titles = {  # the four headings of the OSCE good practice (a context of their own: "People" is
            # another word on the accounts pages)
            "purpose": pgettext_lazy("good-practice heading", "Purpose"),
            "policies": pgettext_lazy("good-practice heading", "Policies"),
            "process": pgettext_lazy("good-practice heading", "Process"),
            "people": pgettext_lazy("good-practice heading", "People"),
        }
        return [(str(titles[h]), [self[name] for name in names]) for h, names in HEADINGS.items()]


class JoinForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("Join as"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXT))
    nda_accepted = forms.BooleanField(
        label=_("I accept the non-disclosure agreement for my participant"), required=False
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    indicator = forms.CharField(label=_("Indicator"), max_length=200)
    target = forms.CharField(label=_("Target"), max_length=100, required=False)


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(
        label=_("Value of the indicator"), required=False, max_digits=12, decimal_places=2
    )
    note = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs=TEXT))


class PostForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs=TEXT))
