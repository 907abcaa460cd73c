"""The demo's scales and incidents are recorded through the real services, once."""

from django.core.management import call_command

from thiqa.incidents.models import Incident, Scale


def test_sample_scales_and_incidents_load_once(demo):
    assert set(Scale.objects.values_list("participant__code", flat=True)) == {"EG", "FR"}
    assert Incident.objects.count() == 3
    from_message = Incident.objects.get(messages__isnull=False)
    assert from_message.participant.code == "EG" and from_message.common_level == 3
    call_command("demo", no_serve=True, verbosity=0)
    assert Incident.objects.count() == 3
