"""The demo's sample terminology is recorded through the real services, once, and public parts
are found by the shared search."""

from django.core.management import call_command
from django.test import Client

from thiqa.glossary import indexing
from thiqa.glossary.models import Concept, GlossaryTerm
from thiqa.library import search


def test_sample_terminology_loads_once_and_the_agreed_concept_is_public(demo):
    count = GlossaryTerm.objects.count()
    assert count >= 8 and GlossaryTerm.objects.filter(is_sample=True).count() == count
    assert set(GlossaryTerm.objects.values_list("language", flat=True)) == {"ar", "en", "fr"}
    assert len(set(GlossaryTerm.objects.values_list("participant__code", flat=True))) >= 3
    incident = Concept.objects.get(slug="incident")
    assert incident.is_agreed and incident.terms.count() >= 4
    page = Client().get(f"/glossary/concepts/{incident.pk}/").content.decode()
    assert "incident de sécurité" in page and "حادث أمن المعلومات" in page
    assert search.search("incident", entry_type=indexing.CONCEPT_SOURCE)
    call_command("demo", no_serve=True, verbosity=0)
    assert GlossaryTerm.objects.count() == count
