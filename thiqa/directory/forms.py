"""Validation of contact details: one form for the web page, the API and CSV import."""

import re
from datetime import date
from typing import Any

from django import forms
from django.conf.locale import LANG_INFO
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts.models import Participant
from thiqa.directory.models import TIME_ZONES, Availability, ContactRole, Structure
from thiqa.lib.openpgp import InvalidKey, parse_public_key

LANGUAGE_CODES = {code.split("-")[0] for code in LANG_INFO if len(code.split("-")[0]) in (2, 3)}
PHONE = re.compile(r"^\+[0-9][0-9 ().-]{5,24}$")
MAX_ADDRESSES = 5


def split_list(value: str) -> list[str]:
    """Items separated by commas, semicolons or new lines, without blanks or repeats."""
    items = [item.strip() for item in re.split(r"[,;\n]", value or "")]
    return list(dict.fromkeys(item for item in items if item))


class ContactForm(forms.Form):
    """A contact's details as proposed in a nomination; ``cleaned_contact()`` gives the
    JSON-ready data stored on the nomination and later on the contact."""

    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ContactRole.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=200, required=False)
    structure = forms.ModelChoiceField(
        label=gettext_lazy("National structure"), queryset=Structure.objects.none(), required=False
    )
    emails = forms.CharField(
        label=gettext_lazy("E-mail addresses"),
        help_text=gettext_lazy("One or more, separated by commas. Pings go to every address."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    phones = forms.CharField(
        label=gettext_lazy("Phone numbers"),
        required=False,
        help_text=gettext_lazy("International format, e.g. +20 2 1234 5678; separate several with commas."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages"),
        required=False,
        help_text=gettext_lazy("ISO 639-1 codes, e.g. ar, en, fr."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"), choices=[(tz, tz) for tz in TIME_ZONES], initial="UTC"
    )
    availability = forms.ChoiceField(
        label=gettext_lazy("Availability"), choices=Availability.choices, initial=Availability.OFFICE_HOURS
    )
    office_hours = forms.CharField(
        label=gettext_lazy("Office hours"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Local time, e.g. Sun–Thu 09:00–17:00."),
    )
    pgp_key = forms.CharField(
        label=gettext_lazy("OpenPGP public key"),
        required=False,
        help_text=gettext_lazy("Optional. Paste the ASCII-armored public key."),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "spellcheck": "false"}),
    )
    secretariat_only = forms.BooleanField(
        label=gettext_lazy(
            "Hidden from other participants (seen by the secretariat and your participant's people)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.fields["structure"].queryset = Structure.objects.filter(participant=participant, is_active=True)

    def clean_emails(self) -> list[str]:
        addresses = [address.lower() for address in split_list(self.cleaned_data["emails"])]
        if not addresses:
            raise forms.ValidationError(_("Give at least one e-mail address."))
        if len(addresses) > MAX_ADDRESSES:
            raise forms.ValidationError(
                _("Give at most %(count)d e-mail addresses.") % {"count": MAX_ADDRESSES}
            )
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(address)s” is not a valid e-mail address.") % {"address": address}
                ) from None
        return addresses

    def clean_phones(self) -> list[str]:
        phones = split_list(self.cleaned_data["phones"])
        for phone in phones:
            digits = sum(ch.isdigit() for ch in phone)
            if not PHONE.match(phone) or not 7 <= digits <= 15:
                raise forms.ValidationError(
                    _("“%(phone)s” is not a phone number in international format (+ and 7 to 15 digits).")
                    % {"phone": phone}
                )
        return phones

    def clean_languages(self) -> list[str]:
        codes = [code.lower() for code in split_list(self.cleaned_data["languages"])]
        unknown = [code for code in codes if code not in LANGUAGE_CODES]
        if unknown:
            raise forms.ValidationError(
                _("Unknown language code: %(codes)s. Use ISO 639-1 codes such as ar, en, fr.")
                % {"codes": ", ".join(unknown)}
            )
        return codes

    def clean_pgp_key(self) -> dict[str, Any] | None:
        text = self.cleaned_data["pgp_key"].strip()
        if not text:
            return None
        try:
            key = parse_public_key(text)
        except InvalidKey as exc:
            raise forms.ValidationError(str(exc)) from None
        return {
            "armored": key.armored,
            "fingerprint": key.fingerprint,
            "expires_at": key.expires_at.isoformat() if key.expires_at else None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("availability") == Availability.OFFICE_HOURS and not data.get("office_hours"):
            self.add_error("office_hours", _("Say when the office is staffed, or choose 24/7."))
        return data

    def cleaned_contact(self) -> dict[str, Any]:
        """The validated details as stored on a nomination (JSON)."""
        data = dict(self.cleaned_data)
        structure = data.pop("structure")
        data["structure"] = structure.pk if structure else None
        key = data.pop("pgp_key")
        data["pgp_key"] = key["armored"] if key else ""
        data["pgp_fingerprint"] = key["fingerprint"] if key else ""
        data["pgp_expires_at"] = key["expires_at"] if key else None
        return data


class NominationForm(forms.Form):
    effective_on = forms.DateField(
        label=gettext_lazy("Effective date"),
        help_text=gettext_lazy(
            "When the change takes effect. OSCE CBM 8 asks for notice of a change soon after this date."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the secretariat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_effective_on(self) -> date:
        value = self.cleaned_data["effective_on"]
        if abs((value - timezone.localdate()).days) > 366:
            raise forms.ValidationError(_("The effective date must be within a year of today."))
        return value


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The focal point reads this to correct the proposal."),
    )


class StructureForm(forms.ModelForm):
    website = forms.URLField(
        label=gettext_lazy("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )

    class Meta:
        model = Structure
        fields = ["kind", "name_en", "name_ar", "website", "is_active"]
