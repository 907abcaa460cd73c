"""Forms of the messaging pages. They collect what the sender wrote; the one validation of a
message (its template's fields, labels, recipients, attachments) is the service's, whose
errors the forms show beside the fields they concern."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thiqa.accounts import policy
from thiqa.accounts.models import Participant, ParticipantGroup, User
from thiqa.catalogue.models import Item
from thiqa.directory.models import Contact, ContactRole
from thiqa.lib import tlp
from thiqa.lib.files import Upload
from thiqa.lib.forms import ServiceErrorsMixin
from thiqa.lib.tlp import TLP
from thiqa.messaging.addressing import Addressees
from thiqa.messaging.inbox import STATES, Filters
from thiqa.messaging.kinds import Kind, all_kinds, national_levels
from thiqa.messaging.services import Draft

ROLE_CHOICES = [(r, label) for r, label in ContactRole.choices if r != ContactRole.ALTERNATE]
FIELD_PREFIX = "f_"


def tlp_choices(at_least: str = TLP.CLEAR) -> list[tuple[str, str]]:
    return [(label, tlp.marking(label)) for label in tlp.ORDER if tlp.rank(label) >= tlp.rank(at_least)]


class ContactChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contact: Contact) -> str:
        return f"{contact.name} · {contact.participant.name} · {contact.get_role_display()}"


class AddresseesForm(ServiceErrorsMixin, forms.Form):
    """Who a message goes to: participants and groups (their contacts of the roles), or
    named contacts. Unknown choices are refused here with Django's own message."""

    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Participant.objects.filter(is_active=True).order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=ParticipantGroup.objects.order_by("name_en"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Contact roles"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The contacts of these roles receive it; a participant without one gets its alternate."),
    )
    contacts = ContactChoice(
        label=_("Or named contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = (  # type: ignore[attr-defined]
            Contact.objects.visible_to(user)
            .select_related("participant")
            .order_by("participant__name_en", "name")
        )

    def addressees(self) -> Addressees:
        data = self.cleaned_data
        return Addressees(
            participants=list(data["participants"]),
            groups=list(data["groups"]),
            contacts=list(data["contacts"]),
            roles=list(data["roles"]),
        )

    def service_field(self, name: str) -> str:
        target = FIELD_PREFIX + name.split(".", 1)[1] if name.startswith("fields.") else name
        return {"recipients": "participants"}.get(target, target)


def _national_level_field(spec: Any, label: str, user: User) -> forms.Field:
    """The levels of the scales of the participants ``user`` writes for (the service keeps
    the sender's own)."""
    choices = [
        (level.value, f"{participant.name} · {level.label}")
        for participant in policy.writing_participants(user)
        for level in national_levels(participant.pk)
    ]
    return forms.ChoiceField(
        label=label,
        choices=[("", "—"), *choices],
        required=False,
        help_text=_(
            "The common level follows from your scale's mapping. Without a registered scale, "
            "choose the common level below."
        ),
    )


def _template_field(spec: Any, user: User, derived: set[str]) -> forms.Field:
    required = spec.required and spec.name not in derived
    attrs = {"required": True} if required and spec.type != "multichoice" else {}
    label = spec.label + (" *" if required else "")
    if spec.type == "national_level":
        return _national_level_field(spec, label, user)
    if spec.type == "multichoice":
        return forms.MultipleChoiceField(
            label=label,
            choices=[(c.value, c.label) for c in spec.choices],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if spec.type == "choice":
        choices = [("", "—"), *((c.value, c.label) for c in spec.choices)]
        return forms.ChoiceField(
            label=label, choices=choices, required=False, widget=forms.Select(attrs=attrs)
        )
    widgets = {
        "text": forms.TextInput(attrs=attrs),
        "textarea": forms.Textarea(attrs={**attrs, "rows": 3}),
        "datetime": forms.DateTimeInput(attrs={**attrs, "type": "datetime-local"}),
        "number": forms.NumberInput(attrs={**attrs, "step": "0.1"}),
        "indicators": forms.Textarea(attrs={**attrs, "rows": 4, "dir": "ltr"}),
        "cves": forms.Textarea(attrs={**attrs, "rows": 2, "dir": "ltr"}),
    }
    help_texts = {
        "datetime": _("UTC, for example 2026-12-01 14:30."),
        "indicators": _(
            "IP addresses or networks, domains, URLs, e-mail addresses or file hashes; "
            "defanged forms are accepted."
        ),
        "cves": _("One per line, for example CVE-2026-12345."),
    }
    return forms.CharField(
        label=label,
        required=False,
        widget=widgets[spec.type],
        help_text=help_texts.get(spec.type, ""),
        strip=True,
    )


class ComposeForm(AddresseesForm):
    """A new message of one type: its label, recipients, text, template fields, the
    catalogue items it acts under, an acknowledgement deadline and attachments."""

    sender = forms.ModelChoiceField(
        label=_("Send on behalf of"), queryset=Participant.objects.none(), empty_label=None
    )
    tlp = forms.ChoiceField(
        label=_("TLP label"), choices=tlp_choices(), initial=TLP.AMBER, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    items = forms.MultipleChoiceField(
        label=_("Acting under"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The catalogue items this message acts under."),
    )
    acknowledge = forms.BooleanField(label=_("Ask for an acknowledgement"), required=False)
    acknowledge_within_hours = forms.IntegerField(
        label=_("Within (hours)"), min_value=1, max_value=720, required=False
    )
    attachment_tlp = forms.ChoiceField(
        label=_("TLP label of the attachments"),
        choices=[("", _("The message's label")), *tlp_choices()],
        required=False,
    )

    def __init__(self, *args: Any, user: User, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.kind = kind
        self.fields["sender"].queryset = policy.writing_participants(user)  # type: ignore[attr-defined]
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (item.code, f"{item.code} · {item.title}")
            for item in Item.objects.filter(is_active=True).only("code", "title_en", "title_ar")
        ]
        if not self.is_bound:
            self.initial.update(
                roles=list(kind.roles),
                items=list(kind.item_codes),
                acknowledge=kind.acknowledge_within_hours is not None,
                acknowledge_within_hours=kind.acknowledge_within_hours or 24,
                sender=self.fields["sender"].queryset.first(),  # type: ignore[attr-defined]
            )
        derived = {spec.derives for spec in kind.fields if spec.derives}
        for spec in self.asked():
            self.fields[FIELD_PREFIX + spec.name] = _template_field(spec, user, derived)

    def asked(self) -> list[Any]:
        """The template's fields a new message fills (retired ones are not asked)."""
        return [spec for spec in self.kind.fields if not spec.retired]

    def template_fields(self) -> list[forms.BoundField]:
        return [self[FIELD_PREFIX + spec.name] for spec in self.asked()]

    def draft(self, uploads: list[Upload]) -> Draft:
        data = self.cleaned_data
        return Draft(
            kind=self.kind.code,
            tlp=data["tlp"],
            subject=data["subject"],
            body=data["body"],
            to=self.addressees(),
            fields={spec.name: data.get(FIELD_PREFIX + spec.name) for spec in self.asked()},
            items=list(data["items"]),
            acknowledge_within_hours=(data["acknowledge_within_hours"] or 24)
            if data["acknowledge"]
            else None,
            uploads=uploads,
            attachment_tlp=data["attachment_tlp"] or None,
        )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    tlp = forms.ChoiceField(label=_("TLP label"), choices=tlp_choices())

    def __init__(self, *args: Any, parent_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tlp"].choices = tlp_choices(at_least=parent_label)  # type: ignore[attr-defined]
        self.fields["tlp"].initial = parent_label


class ForwardForm(AddresseesForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tlp = forms.ChoiceField(label=_("TLP label"), choices=tlp_choices())

    def __init__(self, *args: Any, user: User, label: str, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["tlp"].choices = tlp_choices(at_least=label)  # type: ignore[attr-defined]
        self.fields["tlp"].initial = label


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=500)
    kind = forms.ChoiceField(label=_("Message type"), required=False)
    tlp = forms.ChoiceField(label=_("TLP label"), required=False, choices=[("", _("Any")), *tlp_choices()])
    state = forms.ChoiceField(label=_("Show"), required=False)
    participant = forms.ChoiceField(label=_("Participant"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any")), *((k.code, k.title) for k in all_kinds().values())]  # type: ignore[attr-defined]
        self.fields["state"].choices = [("", _("All")), *STATES.items()]  # type: ignore[attr-defined]
        self.fields["participant"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *((p.code, p.name) for p in Participant.objects.filter(is_active=True).order_by("name_en")),
        ]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        return Filters(
            **{
                name: self.cleaned_data.get(name) or ""
                for name in ("kind", "tlp", "state", "participant", "q")
            }
        )


class PeriodForm(forms.Form):
    """The period of the traffic overview: both days included, either may be left open."""

    first_day = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The period must end on or after its first day."))
        return data
