"""CSV import (check, then apply), and the CSV and vCard exports of the directory."""

import base64
import csv
import io
from datetime import timedelta

import pysequoia
import pytest
import vobject
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from vobject.base import getLogicalLines, parseLine

from conftest import make_contact, make_user
from thiqa.accounts.services import ServiceError
from thiqa.audit.models import AuditEvent
from thiqa.directory import exchange
from thiqa.directory.models import Contact, Nomination, Structure
from thiqa.lib import imports

pytestmark = pytest.mark.usefixtures("catalogue")

ARABIC_NAME = "أمل حسن عبد الرحمن"


@pytest.fixture(scope="module")
def pgp_key() -> str:
    return str(pysequoia.Tsk.generate("Duty officer <duty@egcert.example.org>").extract_certificate())


@pytest.fixture
def structure(participant):
    return Structure.objects.create(participant=participant, kind="cert", name_en="EG-CERT", name_ar="مركز")


def row(**overrides) -> dict:
    values = {
        "participant": "EG",
        "role": "technical",
        "name": ARABIC_NAME,
        "position": "Head of incident response",
        "structure": "",
        "emails": "duty@egcert.example.org; amal@egcert.example.org",
        "phones": "+20 2 1234 5678",
        "languages": "ar, en",
        "time_zone": "Africa/Cairo",
        "availability": "24x7",
        "office_hours": "",
        "pgp_key": "",
        "secretariat_only": "no",
        "effective_on": "",
        "note": "",
    }
    values.update(overrides)
    return values


def csv_file(rows: list[dict], columns: list[str] | None = None, bom: bool = False) -> bytes:
    columns = columns or exchange.COLUMNS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(name, "") for name in columns])
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def counts() -> tuple[int, int, int]:
    return Nomination.objects.count(), Contact.objects.count(), AuditEvent.objects.count()


def by_line(preview) -> dict[int, list[str]]:
    return {r.line: r.errors for r in preview.rows}


# --- import: the happy paths ------------------------------------------------------------


def test_the_secretariat_imports_and_publishes_at_once(
    secretariat, participant, other_participant, structure, pgp_key
):
    content = csv_file(
        [
            row(structure="EG-CERT", pgp_key=pgp_key, secretariat_only="yes"),
            row(
                participant="FR",
                role="policy",
                name="Jeanne Martin",
                emails="jeanne.martin@diplomatie.example.fr",
                phones="+33 1 43 17 53 53",
                languages="fr;en",
                time_zone="Europe/Paris",
                availability="office_hours",
                office_hours="Mon–Fri 09:00–18:00",
            ),
        ],
        bom=True,
    )
    preview = exchange.preview(secretariat, content)
    assert not preview.has_errors, [(r.line, r.errors) for r in preview.rows] + preview.errors
    assert (preview.adds, preview.changes, preview.unchanged) == (2, 0, 0)
    assert not Nomination.objects.exists()  # checking writes nothing

    result = exchange.apply(secretariat, preview)

    assert (result.added, result.published, result.pending) == (2, 2, 0)
    egypt = Contact.objects.get(participant=participant)
    assert egypt.name == ARABIC_NAME and egypt.structure == structure and egypt.secretariat_only
    assert egypt.emails == ["duty@egcert.example.org", "amal@egcert.example.org"]
    assert egypt.phones == ["+20 2 1234 5678"] and egypt.languages == ["ar", "en"]
    assert egypt.pgp_fingerprint and egypt.pgp_key.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    france = Contact.objects.get(participant=other_participant)
    assert france.office_hours == "Mon–Fri 09:00–18:00" and france.languages == ["fr", "en"]
    assert set(Nomination.objects.values_list("status", flat=True)) == {Nomination.Status.PUBLISHED}
    event = AuditEvent.objects.get(action="directory.imported")
    assert event.data["added"] == 2 and event.data["published"] == 2 and event.data["pending"] == 0
    assert event.data["participants"] == ["EG", "FR"] and event.data["sha256"] == preview.sha256


def test_a_focal_point_import_creates_proposals_for_review(focal_point, participant):
    content = csv_file([row(), row(role="policy", emails="policy@mfa.example.eg", name="Omar Farouk")])
    preview = exchange.preview(focal_point, content)
    assert not preview.has_errors

    result = exchange.apply(focal_point, preview)

    assert (result.added, result.published, result.pending) == (2, 0, 2)
    assert not Contact.objects.exists()
    nominations = Nomination.objects.all()
    assert {n.status for n in nominations} == {Nomination.Status.PENDING}
    assert {n.proposed_by for n in nominations} == {focal_point}
    assert AuditEvent.objects.filter(action="directory.nominated").count() == 2
    assert AuditEvent.objects.get(action="directory.imported").data["pending"] == 2


def test_effective_date_and_note_are_taken_from_the_file(focal_point, participant):
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    preview = exchange.preview(focal_point, csv_file([row(effective_on=day, note="New duty roster")]))
    exchange.apply(focal_point, preview)
    nomination = Nomination.objects.get()
    assert nomination.effective_on.isoformat() == day and nomination.note == "New duty roster"


# --- import: errors write nothing ---------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_nothing_is_written(
    focal_point, participant, other_participant, pgp_key
):
    content = csv_file(
        [
            row(pgp_key=pgp_key),  # line 2, spans several lines
            row(role="policy", emails="not-an-address"),
            row(participant="ZZ"),
            row(participant="FR", emails="someone@example.fr"),
            row(
                role="alternate", emails="alt@example.org", pgp_key="-----BEGIN PGP PUBLIC KEY BLOCK-----\nxx"
            ),
            row(role="law_enforcement", emails="police@example.org", availability="office_hours"),
        ]
    )
    key_lines = pgp_key.count("\n") + 1
    before = counts()

    preview = exchange.preview(focal_point, content)

    errors = by_line(preview)
    first_bad = 2 + key_lines
    assert errors[2] == []
    # The malformed key spans two lines too.
    assert list(errors) == [2, first_bad, first_bad + 1, first_bad + 2, first_bad + 3, first_bad + 5]
    assert errors[first_bad] == ["emails: “not-an-address” is not a valid e-mail address."]
    assert errors[first_bad + 1] == ["participant: Unknown participant code “ZZ”."]
    assert errors[first_bad + 2] == ["participant: You may not nominate contacts for France."]
    assert len(errors[first_bad + 3]) == 1 and errors[first_bad + 3][0].startswith("pgp_key: ")
    assert errors[first_bad + 5] == ["office_hours: Say when the office is staffed, or choose 24/7."]
    assert preview.has_errors and len(preview.error_rows) == 5
    with pytest.raises(ServiceError, match="nothing was imported"):
        exchange.apply(focal_point, preview)
    assert counts() == before


def test_a_failure_while_applying_rolls_everything_back(focal_point, participant, monkeypatch):
    preview = exchange.preview(focal_point, csv_file([row(), row(role="policy", emails="p@example.org")]))
    assert not preview.has_errors
    before = counts()
    original = exchange.services.propose
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ServiceError("boom")
        return original(*args, **kwargs)

    monkeypatch.setattr(exchange.services, "propose", failing)
    with pytest.raises(ServiceError, match="boom"):
        exchange.apply(focal_point, preview)
    assert counts() == before


def test_people_who_import_for_nobody_are_refused(member, participant):
    preview = exchange.preview(member, csv_file([row()]))
    assert preview.rows[0].errors == ["participant: You may not nominate contacts for Egypt."]
    with pytest.raises(PermissionDenied):
        exchange.apply(member, preview)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "participant,role,name,emails\r\nEG,technical,Ren\xe9,a@b.example\r\n".encode("latin-1"),
            "not UTF-8",
        ),
        (b"", "empty"),
        (b"participant,role,name\r\nEG,technical,X\r\n", "Missing required columns: emails"),
        (b"participant,role,name,emails,fax\r\nEG,technical,X,a@example.org,1\r\n", "Unknown columns: fax"),
        (b"participant,role,name,emails,name\r\n", "more than once: name"),
        (b"participant,role,name,emails\r\n\r\n", "no data rows"),
        (b'participant,role,name,emails\r\nEG,technical,"X\x00",a@example.org\r\n', "NUL"),
    ],
)
def test_files_that_cannot_be_read_are_refused_as_a_whole(focal_point, participant, content, message):
    preview = exchange.preview(focal_point, content)
    assert preview.has_errors and not preview.rows
    assert any(message in error for error in preview.errors), preview.errors


def test_oversized_files_and_too_many_rows_are_refused(focal_point, participant, monkeypatch):
    big = csv_file([row()]) + b" " * exchange.MAX_BYTES
    assert "larger than 2 MB" in exchange.preview(focal_point, big).errors[0]
    monkeypatch.setattr(exchange, "MAX_ROWS", 2)
    many = csv_file([row(emails=f"a{i}@example.org") for i in range(3)])
    assert "more than 2 rows" in exchange.preview(focal_point, many).errors[0]


def test_a_file_with_only_the_required_columns_and_a_bom_is_read(focal_point, participant):
    content = "\ufeffParticipant,Role,Name,Emails\r\neg,Technical,سلمى,salma@example.org\r\n".encode()
    preview = exchange.preview(focal_point, content)
    # Availability defaults to office hours, which need their hours.
    assert preview.rows[0].errors == ["office_hours: Say when the office is staffed, or choose 24/7."]
    content = "participant,role,name,emails,availability\nEG,technical,سلمى,salma@example.org,24x7\n".encode()
    preview = exchange.preview(focal_point, content)
    assert not preview.has_errors and preview.rows[0].data["time_zone"] == "UTC"


def test_cells_beyond_the_header_and_bad_values_are_row_errors(focal_point, participant):
    content = (
        b"participant,role,name,emails,availability\r\n"
        b"EG,technical,A,a@example.org,24x7,surplus\r\n"
        b"EG,chief,B,b@example.org,24x7\r\n"
    )
    preview = exchange.preview(focal_point, content)
    assert preview.rows[0].errors == ["This line has 6 cells but the header names 5 columns."]
    assert preview.rows[1].errors[0].startswith("role: ")


def test_bad_dates_booleans_and_structures(focal_point, participant, structure):
    content = csv_file(
        [
            row(secretariat_only="perhaps"),
            row(role="policy", emails="p@example.org", effective_on="15/01/2025"),
            row(role="alternate", emails="alt@example.org", structure="No such body"),
            row(role="law_enforcement", emails="le@example.org", effective_on="2001-01-01"),
            row(role="alternate", emails="alt2@example.org", structure="eg-cert"),
        ]
    )
    errors = list(by_line(exchange.preview(focal_point, content)).values())
    assert errors[0] == ["secretariat_only: Write yes or no."]
    assert errors[1] == ["effective_on: Write the date as YYYY-MM-DD, e.g. 2025-03-31."]
    assert errors[2] == ["structure: Egypt has no active national structure named “No such body”."]
    assert errors[3] == ["effective_on: The effective date must be within a year of today."]
    assert errors[4] == []


def test_duplicates_inside_the_file_are_errors(focal_point, participant):
    content = csv_file(
        [
            row(),
            row(emails="other@example.org"),
            row(name="Someone else", emails="DUTY@egcert.example.org, x@example.org"),
            row(role="policy"),  # another role: not a duplicate
        ]
    )
    preview = exchange.preview(focal_point, content)
    assert by_line(preview) == {
        2: [],
        3: [],
        4: ["The same participant, role and first e-mail address as line 2."],
        5: [],
    }


# --- import: changes and unchanged rows --------------------------------------------------------


def test_known_contacts_are_changed_and_identical_rows_skipped(secretariat, focal_point, participant):
    exchange.apply(secretariat, exchange.preview(secretariat, csv_file([row(), row(role="policy")])))
    technical = Contact.objects.get(role="technical")
    nominations = Nomination.objects.count()

    content = csv_file(
        [
            row(),  # the same
            row(role="policy", phones="+20 2 9999 0000", position="Director"),  # changed
            row(role="alternate", emails="new@example.org"),  # new
        ]
    )
    preview = exchange.preview(focal_point, content)

    assert [r.action for r in preview.rows] == ["unchanged", "change", "add"]
    assert preview.rows[0].contact == technical
    assert preview.rows[1].changed_fields == ["position", "phones"]
    assert (preview.adds, preview.changes, preview.unchanged) == (1, 1, 1)
    result = exchange.apply(focal_point, preview)
    assert (result.added, result.changed, result.unchanged, result.pending) == (1, 1, 1, 2)
    change = Nomination.objects.get(action="change")
    assert change.contact.role == "policy" and change.status == Nomination.Status.PENDING
    assert Nomination.objects.count() == nominations + 2

    # A second import of the change waits for the first to be decided.
    again = exchange.preview(focal_point, content)
    assert again.rows[1].errors == [
        "A proposal about this contact is already waiting for review. Withdraw it first."
    ]


def test_the_secretariat_applies_a_change_to_the_same_contact(secretariat, participant):
    exchange.apply(secretariat, exchange.preview(secretariat, csv_file([row()])))
    contact = Contact.objects.get()
    preview = exchange.preview(secretariat, csv_file([row(name="Amal Hassan", languages="en")]))
    exchange.apply(secretariat, preview)
    contact.refresh_from_db()
    assert Contact.objects.count() == 1
    assert contact.name == "Amal Hassan" and contact.languages == ["en"]


def test_a_file_with_nothing_new_is_not_applied(secretariat, participant):
    exchange.apply(secretariat, exchange.preview(secretariat, csv_file([row()])))
    preview = exchange.preview(secretariat, csv_file([row()]))
    assert [r.action for r in preview.rows] == ["unchanged"] and not preview.has_errors
    before = counts()
    with pytest.raises(ServiceError, match="nothing to import"):
        exchange.apply(secretariat, preview)
    assert counts() == before


# --- carrying the checked file to the confirmation ----------------------------------------


def test_signed_content_round_trips_and_tampering_is_refused(focal_point, member, participant):
    content = csv_file([row()])
    token = exchange.sign_content(focal_point, content)
    assert exchange.unsign_content(focal_point, token) == content
    tampered = signing.dumps(
        {"user": focal_point.pk, "content": content.decode()}, compress=True, salt="something else"
    )
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), tampered, "", "garbage"):
        with pytest.raises(ServiceError, match="altered"):
            exchange.unsign_content(focal_point, bad)
    with pytest.raises(ServiceError, match="someone else"):
        exchange.unsign_content(member, token)


def test_an_old_check_must_be_made_again(focal_point, participant, monkeypatch):
    token = exchange.sign_content(focal_point, csv_file([row()]))
    monkeypatch.setattr(imports, "SIGNED_MAX_AGE", -1)
    with pytest.raises(ServiceError, match="too old"):
        exchange.unsign_content(focal_point, token)


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def published(secretariat, participant, other_participant, structure, pgp_key):
    content = csv_file(
        [
            row(structure="EG-CERT", pgp_key=pgp_key, name=ARABIC_NAME + ", Jr.; \\ test"),
            row(
                role="policy",
                name='=HYPERLINK("http://evil.example")',
                emails="policy@mfa.example.eg",
                availability="office_hours",
                office_hours="Sun–Thu 09:00–17:00",
                secretariat_only="yes",
                phones="+20 2 1111 2222, +20 100 000 0000",
            ),
            row(participant="FR", name="Jeanne Martin", emails="jm@example.fr", languages="fr", phones=""),
        ]
    )
    preview = exchange.preview(secretariat, content)
    assert not preview.has_errors, [r.errors for r in preview.rows]
    exchange.apply(secretariat, preview)
    return list(Contact.objects.select_related("participant", "structure").order_by("pk"))


def test_an_export_re_imports_as_unchanged(published, secretariat):
    text = exchange.export_csv(published)
    assert text.splitlines()[0] == ",".join(exchange.COLUMNS)
    assert "'=HYPERLINK" in text  # a spreadsheet shows the name, it does not run it
    preview = exchange.preview(secretariat, text.encode())
    assert not preview.has_errors, [r.errors for r in preview.rows]
    assert [r.action for r in preview.rows] == ["unchanged"] * 3
    assert [r.contact for r in preview.rows] == published


def test_the_vcard_export_reads_back(published):
    text = exchange.export_vcard(published)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    cards = list(vobject.readComponents(text))
    assert len(cards) == 3
    for card, contact in zip(cards, published, strict=True):
        assert card.version.value == "4.0"
        assert card.fn.value == contact.name
        assert [e.value for e in card.contents["email"]] == contact.emails
        phones = [t.value for t in card.contents.get("tel", [])]
        assert phones == ["tel:" + p.replace(" ", "-") for p in contact.phones]
        assert card.uid.value == exchange.contact_uid(contact)
        assert card.org.value[0] == contact.participant.name_en
        assert [lang.value for lang in card.contents["lang"]] == contact.languages
        assert card.tz.value == contact.time_zone
    egypt = cards[0]
    assert egypt.fn.value == ARABIC_NAME + ", Jr.; \\ test"
    assert egypt.org.value == ["Egypt", "EG-CERT"]
    assert egypt.role.value == "Technical point of contact"
    assert egypt.email.params["PREF"] == ["1"]
    assert egypt.contents["email"][1].params.get("PREF") is None
    # KEY is a URI value, not text: vobject (a vCard 3.0 parser) would split it at the comma.
    lines = [parseLine(line) for line, _ in getLogicalLines(io.StringIO(text))]
    key = next(value for name, params, value, _ in lines if name == "KEY")
    assert key.startswith("data:application/pgp-keys;base64,")
    assert base64.b64decode(key.split(",", 1)[1]).decode() == published[0].pgp_key
    assert "Office hours: Sun–Thu 09:00–17:00." in cards[1].note.value
    assert cards[2].contents.get("key") is None and cards[2].contents.get("tel") is None
    # The UID is stable: the same contact always gets the same one.
    assert exchange.export_vcard(published[:1]).count(exchange.contact_uid(published[0])) == 1
    assert exchange.contact_uid(published[0]) != exchange.contact_uid(published[1])


def test_folding_keeps_lines_short_and_characters_whole(published):
    contact = published[0]
    contact.name = "ع" * 100 + "x" + "😀" * 30
    contact.position = "b" * 200
    text = exchange.export_vcard([contact])
    for line in text.encode().split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # raises if a character was cut in two
    unfolded = text.replace("\r\n ", "")
    assert f"FN:{contact.name}\r\n" in unfolded
    assert next(vobject.readComponents(text)).fn.value == contact.name
    assert exchange.fold("a" * 75) == "a" * 75
    assert exchange.fold("a" * 76) == "a" * 75 + "\r\n a"


# --- the pages --------------------------------------------------------------------------------


def test_the_import_page_checks_then_imports(client, secretariat, participant):
    client.force_login(secretariat)
    page = client.get(reverse("directory:import"))
    assert page.status_code == 200 and 'type="file"' in page.content.decode()

    upload = io.BytesIO(csv_file([row(), row(role="policy", emails="p@example.org")]))
    upload.name = "contacts.csv"
    checked = client.post(reverse("directory:import"), {"step": "check", "file": upload})
    assert checked.status_code == 200
    assert checked.context["preview"].adds == 2 and not Nomination.objects.exists()
    token = checked.context["token"]
    assert token and "Import 2 rows" in checked.content.decode()

    done = client.post(reverse("directory:import"), {"step": "confirm", "content": token})
    assert done.status_code == 302 and done["Location"] == reverse("directory:index")
    assert Contact.objects.count() == 2
    shown = [str(m) for m in done.wsgi_request._messages]
    assert shown == ["2 contacts were published. Added: 2, changed: 0, unchanged: 0."]


def test_the_import_page_shows_row_errors_and_refuses_tampered_confirmations(
    client, focal_point, participant, other_participant
):
    client.force_login(focal_point)
    upload = io.BytesIO(csv_file([row(), row(participant="FR")]))
    upload.name = "contacts.csv"
    checked = client.post(reverse("directory:import"), {"step": "check", "file": upload})
    html = checked.content.decode()
    assert checked.status_code == 200 and checked.context["token"] is None
    assert "You may not nominate contacts for France." in html and 'class="row-error"' in html
    assert 'name="content"' not in html

    before = counts()
    token = exchange.sign_content(focal_point, csv_file([row()]))
    refused = client.post(reverse("directory:import"), {"step": "confirm", "content": token + "x"})
    assert refused.status_code == 200
    assert "altered or damaged" in refused.content.decode()
    assert counts() == before

    # A valid signature of a file with errors is not applied either.
    token = exchange.sign_content(focal_point, csv_file([row(participant="FR")]))
    refused = client.post(reverse("directory:import"), {"step": "confirm", "content": token})
    assert refused.status_code == 200 and "nothing was imported" in refused.content.decode()
    assert counts() == before


def test_a_file_too_large_to_post_back_is_not_offered_for_import(
    client, focal_point, participant, monkeypatch
):
    monkeypatch.setattr(imports, "_token_limit", lambda: 100)
    client.force_login(focal_point)
    upload = io.BytesIO(csv_file([row()]))
    upload.name = "contacts.csv"
    checked = client.post(reverse("directory:import"), {"step": "check", "file": upload})
    assert checked.status_code == 200 and checked.context["token"] is None
    assert "too large to be imported in one step" in checked.content.decode()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_import_page_handles_bad_uploads(client, focal_point, participant, language):
    client.force_login(focal_point)
    client.cookies["thiqa-language"] = language
    url = reverse("directory:import")
    assert client.post(url, {"step": "check"}).status_code == 200
    for content in (b"\xff\xfe\x00junk", b"", b"a,b\r\n1,2\r\n", b'"unterminated'):
        upload = io.BytesIO(content)
        upload.name = "bad.csv"
        response = client.post(url, {"step": "check", "file": upload})
        assert response.status_code == 200 and response.context["preview"].errors
        assert f'lang="{language}"' in response.content.decode()
    assert client.post(url, {"step": "confirm"}).status_code == 200
    assert not Nomination.objects.exists()


def test_only_focal_points_and_the_secretariat_import(client, member, observer, participant):
    for user in (member, observer):
        client.force_login(user)
        assert client.get(reverse("directory:import")).status_code == 403
    client.logout()
    response = client.get(reverse("directory:import"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")


def test_exports_are_attachments_of_what_the_person_may_see(client, published, member, observer):
    client.force_login(observer)  # of France: does not see Egypt's secretariat-only contact
    response = client.get(reverse("directory:export_csv"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="thiqa-contacts.csv"'
    text = response.content.decode("utf-8-sig")
    assert "policy@mfa.example.eg" not in text
    assert "duty@egcert.example.org" in text and "jm@example.fr" in text
    event = AuditEvent.objects.filter(action="directory.exported").latest("seq")
    assert event.data == {"format": "csv", "count": 2} and event.actor == observer

    response = client.get(reverse("directory:export_vcard"), {"participant": "eg"})
    assert response["Content-Disposition"] == 'attachment; filename="thiqa-contacts-EG.vcf"'
    cards = list(vobject.readComponents(response.content.decode()))
    assert [c.fn.value for c in cards] == [published[0].name]
    event = AuditEvent.objects.filter(action="directory.exported").latest("seq")
    assert event.data == {"format": "vcf", "count": 1, "participant": "EG"}
    assert client.get(reverse("directory:export_csv"), {"participant": "ZZ"}).status_code == 404
    assert client.get(reverse("directory:export_csv"), {"group": "nope"}).status_code == 404

    client.force_login(member)  # of Egypt: sees its own secretariat-only contact
    text = client.get(reverse("directory:export_csv")).content.decode("utf-8-sig")
    assert "policy@mfa.example.eg" in text


def test_people_without_a_role_cannot_export(client, published):
    client.force_login(make_user("nobody@example.org", None, None))
    for name in ("directory:export_csv", "directory:export_vcard"):
        assert client.get(reverse(name)).status_code == 403
    assert not AuditEvent.objects.filter(action="directory.exported").exists()


def test_an_export_from_the_page_imports_again_unchanged(client, published, secretariat):
    client.force_login(secretariat)
    exported = client.get(reverse("directory:export_csv")).content
    assert exported.startswith("\ufeff".encode())
    upload = io.BytesIO(exported)
    upload.name = "thiqa-contacts.csv"
    checked = client.post(reverse("directory:import"), {"step": "check", "file": upload})
    preview = checked.context["preview"]
    assert [r.action for r in preview.rows] == ["unchanged"] * 3 and checked.context["token"] is None
    assert "nothing to import" in checked.content.decode()


def test_an_other_participants_focal_point_cannot_touch_egypt(client, other_participant, participant):
    french = make_user("fp@fr.example", other_participant, "focal_point", totp=True)
    make_contact(participant, "technical", email="duty@egcert.example.org")
    preview = exchange.preview(french, csv_file([row()]))
    assert preview.rows[0].errors == ["participant: You may not nominate contacts for Egypt."]
    assert preview.rows[0].contact is None and preview.rows[0].action is None
