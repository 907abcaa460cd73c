"""The demo's sample activities are recorded through the real services, once, and indexed."""

from django.core.management import call_command

from thiqa.accounts.models import ParticipantGroup, User
from thiqa.activities import cbm11
from thiqa.activities.models import Activity
from thiqa.lib.tlp import TLP
from thiqa.library import search


def test_sample_activities_load_once_and_are_found(demo):
    count = Activity.objects.count()
    assert count >= 10 and Activity.objects.filter(is_sample=True).count() == count
    assert Activity.objects.filter(tlp=TLP.AMBER).exists()
    shared = Activity.objects.filter(tlp__in=[TLP.CLEAR, TLP.GREEN]).values_list("pk", flat=True)
    found = {h.url for h in search.search("OSCE expert meeting", entry_type="activity", limit=50)}
    assert found and found <= {f"/activities/{pk}/" for pk in shared}
    omar = User.objects.get(email="focal.eg@thiqa.example")
    las = ParticipantGroup.objects.get(code="LAS")
    assert [y.minimum for y in cbm11.years(omar, las)] == [3, 3]
    call_command("demo", no_serve=True, verbosity=0)
    assert Activity.objects.count() == count
