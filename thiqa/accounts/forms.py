from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import ApiToken, Membership, Participant, User


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True, "dir": "ltr"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the six digits shown by your authenticator app."))
        return code


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “CERT ticketing system”.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, initial="read")
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.THIQA_TOKEN_MAX_DAYS, initial=90
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ParticipantForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"),
        required=False,
        assume_scheme="https",
        max_length=200,
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )

    class Meta:
        model = Participant
        fields = ["name_en", "name_ar", "website"]
        widgets = {
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Participant.Kind.choices]
    )
    group = forms.SlugField(label=_("Group"), required=False)


class PasswordLinkForm(PasswordResetForm):
    """Sends a one-time link to choose a password: for a reset, and for an invited person
    who has no password yet (Django's own form skips accounts without one)."""

    purpose = "password-reset"

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Send through the configured backend, the outbox, without swallowing a failure
        (Django's own form would); ``purpose`` tells the outbox what the message is for."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        message = EmailMessage(subject, body, from_email, [to_email])
        message.purpose = self.purpose  # type: ignore[attr-defined]
        message.send(fail_silently=False)

    def get_users(self, email: str) -> Iterator[Any]:
        yield from User.objects.filter(email__iexact=email.strip(), is_active=True)
