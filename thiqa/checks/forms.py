from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thiqa.accounts.models import Participant, ParticipantGroup
from thiqa.directory.models import ContactRole


def _default_deadline() -> datetime:
    deadline = timezone.localtime() + timedelta(hours=settings.THIQA_CHECK_DEADLINE_HOURS)
    return deadline.replace(second=0, microsecond=0)


class StartRoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Communication check"))
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=ParticipantGroup.objects.order_by("name_en"),
        required=False,
        empty_label=_("All participants"),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Or chosen participants"),
        queryset=Participant.objects.filter(is_active=True),
        required=False,
        help_text=_("Leave empty to ping every participant (of the group, if one is chosen)."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Contact roles"),
        choices=ContactRole.choices,
        initial=[ContactRole.POLICY, ContactRole.TECHNICAL],
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        initial=_default_deadline,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
