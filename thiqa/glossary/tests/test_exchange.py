"""TBX (ISO 30042) and CSV in and out: a round trip loses nothing; a file is checked row by row
and nothing is written until a file without errors is confirmed; malformed and hostile XML is
refused."""

import pytest

from thiqa.accounts.models import Membership
from thiqa.accounts.services import ServiceError
from thiqa.glossary import exchange, services
from thiqa.glossary.models import Concept, ConceptComment, GlossaryTerm
from thiqa.glossary.tests.helpers import community, concept_draft, signed_in, submitted, term_draft

pytestmark = pytest.mark.usefixtures("catalogue")


@pytest.fixture
def world(db):
    world = community()
    staff = world["people"]["secretariat"]
    # The secretariat's person also writes for Avalon and Borduria, so that one person reads
    # (and may import again) every kind of term.
    Membership.objects.create(user=staff, participant=world["a"], role="member")
    Membership.objects.create(user=staff, participant=world["b"], role="member")
    world["staff"] = staff
    return world


def _fill(world):
    staff, member = world["staff"], world["people"]["member"]
    incident = services.create_concept(
        staff, concept_draft(status="agreed", items=["osce-cbm-9", "un-gge-2013-26c"])
    )
    services.create_concept(
        staff,
        concept_draft(
            slug="critical-infrastructure",
            name_en="Critical infrastructure",
            name_ar="البنية التحتية الحرجة",
            definition_en="",
            definition_ar="",
        ),
    )
    grouped = submitted(member, world["a"], audience="public", items=["osce-cbm-9"])
    services.group(staff, incident, [grouped])
    submitted(
        member,
        world["a"],
        term="incident de sécurité",
        language="fr",
        definition="Événement qui compromet un système d'information.\nDeuxième ligne.",
        audience="chosen",
        audience_participants=[world["b"]],
        source_url="",
    )
    services.create(
        member, world["a"], term_draft(term="=formula", source_locator="", audience="secretariat")
    )
    arabic = submitted(
        world["people"]["chosen"],
        world["b"],
        term="حادث سيبراني",
        language="ar",
        definition="حدث يضر بأمن الشبكات أو يهددها.",
        source_title="قانون مكافحة الجرائم",
        audience="community",
    )
    services.group(staff, incident, [arabic])


def _empty():
    ConceptComment.objects.all().delete()
    for term in GlossaryTerm.objects.all():
        term.versions.all().delete()
    GlossaryTerm.objects.all().delete()
    Concept.objects.all().delete()


def test_a_tbx_round_trip_loses_nothing(world):
    _fill(world)
    first = exchange.export_tbx(world["staff"])
    assert b'<conceptEntry id="incident">' in first and b"urn:iso:std:iso:30042:ed-2" in first
    _empty()
    checked = exchange.preview(world["staff"], first)
    assert not checked.has_errors, [(r.position, r.errors) for r in checked.error_rows]
    result = exchange.apply(world["staff"], checked)
    assert (result.concepts, result.terms, result.submitted, result.grouped) == (2, 4, 3, 2)
    assert exchange.export_tbx(world["staff"]) == first
    again = exchange.preview(world["staff"], first)
    assert not again.has_errors and not again.to_apply  # everything unchanged


def test_a_csv_round_trip_loses_nothing(world):
    _fill(world)
    first = exchange.export_csv(world["staff"])
    assert "'=formula" in first
    concepts = {c.slug: c for c in Concept.objects.all()}
    GlossaryTerm.objects.all().delete()
    checked = exchange.preview(world["staff"], first.encode())
    assert not checked.has_errors, [(r.position, r.errors) for r in checked.error_rows]
    exchange.apply(world["staff"], checked)
    assert exchange.export_csv(world["staff"]) == first
    assert set(Concept.objects.values_list("slug", flat=True)) == set(concepts)


def test_nothing_is_written_while_one_row_has_an_error(world):
    csv = (
        "participant,language,term,definition,source_kind,source_title,dated\n"
        "AA,en,incident,An event.,law,Act,2020-01-01\n"
        "AA,xx,breach,A breach.,law,Act,2020-01-01\n"
        "AA,en,Incident,Again.,law,Act,2020-01-01\n"
        "ZZ,en,attack,An attack.,law,Act,2020-01-01\n"
        "BB,en,attack,An attack.,law,Act,2020-01-01\n"
    )
    checked = exchange.preview(world["people"]["member"], csv.encode())
    problems = {row.position: " ".join(row.errors) for row in checked.terms}
    assert problems["line 2"] == ""
    assert "Unknown language" in problems["line 3"]
    assert "same participant, language and term as line 2" in problems["line 4"]
    assert "Unknown participant" in problems["line 5"]
    assert "may not submit terms for Borduria" in problems["line 6"]
    with pytest.raises(ServiceError, match="nothing was imported"):
        exchange.apply(world["people"]["member"], checked)
    assert not GlossaryTerm.objects.exists()


def test_a_file_error_is_reported_as_such(world):
    member = world["people"]["member"]
    cases = {
        b"participant,colour\nAA,red\n": "Unknown columns",
        b"\xff\xfe\x00bad": "not UTF-8",
        b"<tbx><text><body><conceptEntry>": "not well-formed XML",
        b"<html/>": "not a TBX file",
        b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x "boom">]><tbx>&x;</tbx>': "DTD or entities",
        b'<?xml version="1.0"?><!DOCTYPE tbx SYSTEM "http://example.org/evil.dtd"><tbx/>': "DTD or entities",
        b'<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body/></text></tbx>': "no concepts and no terms",
    }
    for content, message in cases.items():
        checked = exchange.preview(member, content)
        assert checked.has_errors and message in " ".join(checked.errors), content


def test_a_participant_imports_terms_but_leaves_concepts_to_the_secretariat(world):
    _fill(world)
    content = exchange.export_tbx(world["staff"])
    _empty()
    checked = exchange.preview(world["people"]["member"], content)
    notes = " ".join(n for row in checked.rows for n in row.notes)
    assert "only the secretariat creates concepts" in notes and "the secretariat groups terms" in notes
    # Borduria's terms are not the member's to import.
    assert any("may not submit terms for Borduria" in " ".join(r.errors) for r in checked.terms)


def test_the_import_page_checks_then_confirms_a_signed_file(world):
    client = signed_in(world["people"]["member"])
    csv = (
        b"participant,language,term,definition,source_kind,source_title,dated,status,audience\n"
        b"AA,en,incident,An event.,law,Act,2020-01-01,submitted,public\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post("/glossary/import/", {"step": "check", "file": SimpleUploadedFile("t.csv", csv)})
    assert page.status_code == 200 and not GlossaryTerm.objects.exists()
    token = page.context["token"]
    assert token
    tampered = client.post("/glossary/import/", {"step": "confirm", "content": token[:-3] + "abc"})
    assert "altered" in tampered.content.decode() and not GlossaryTerm.objects.exists()
    done = client.post("/glossary/import/", {"step": "confirm", "content": token})
    assert done.status_code == 302
    term = GlossaryTerm.objects.get()
    assert term.is_public and term.versions.filter(kind="imported").exists()
    other = signed_in(world["people"]["other"]).post(
        "/glossary/import/", {"step": "confirm", "content": token}
    )
    assert "someone else" in other.content.decode()


def test_exports_hold_only_what_the_person_reads(world):
    _fill(world)
    anonymous = exchange.export_tbx(_anonymous())
    assert "حادث سيبراني".encode() not in anonymous  # a community term
    assert b"cyber incident" in anonymous  # public and grouped into the agreed concept
    assert b"critical-infrastructure" not in anonymous  # not agreed
    other = exchange.export_csv(world["people"]["other"])
    assert "incident de sécurité" not in other and "=formula" not in other


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
