"""The demo's sample threads are sent through the real services, once."""

from django.core.management import call_command

from thiqa.accounts.models import User
from thiqa.messaging import inbox
from thiqa.messaging.models import Message


def test_sample_threads_reach_egypt_and_load_once(demo):
    omar = User.objects.get(email="focal.eg@thiqa.example")
    received = inbox.received(omar)
    assert {m.kind for m in received} == {"consultation_request", "incident_notification"}
    assert inbox.awaiting(omar, received).filter(kind="consultation_request").exists()
    incident = Message.objects.get(kind="incident_notification")
    assert incident.fields["indicators"][0] == {"type": "domain", "value": "secure-login-bank.example"}
    assert Message.objects.filter(thread=incident, kind="reply").exists()
    assert Message.objects.filter(is_sample=True).count() == 3
    call_command("demo", no_serve=True, verbosity=0)
    assert Message.objects.count() == 3
