"""Directory and checks API: the same policy and validation as the pages."""

import pytest
from django.utils import timezone

from conftest import make_contact
from thiqa.accounts.services import create_token
from thiqa.checks import services as checks
from thiqa.directory.models import Nomination

pytestmark = pytest.mark.usefixtures("catalogue")


def bearer(user, scope="read") -> dict:
    _token, secret = create_token(user, name="t", scope=scope, days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_contacts_follow_visibility(client, observer, participant):
    make_contact(participant, "policy", name="Visible")
    make_contact(participant, "technical", name="Hidden", secretariat_only=True)
    body = client.get("/api/v1/directory/contacts", **bearer(observer)).json()
    assert [c["name"] for c in body["items"]] == ["Visible"]
    assert body["items"][0]["participant"] == "EG"


def test_standing_reports_cbm8_currency(client, member, participant):
    make_contact(participant, "policy")
    body = client.get("/api/v1/directory/participants/EG/standing", **bearer(member)).json()
    assert body["has_policy_contact"] and not body["has_technical_contact"]
    assert body["reconfirmation_due_on"] is not None and body["overdue"] is False


def test_nominations_need_a_write_token_and_valid_details(client, focal_point, participant):
    payload = {
        "participant": "EG",
        "action": "add",
        "effective_on": timezone.localdate().isoformat(),
        "details": {
            "role": "technical",
            "name": "Duty",
            "emails": ["duty@cert.eg.example"],
            "availability": "24x7",
        },
    }
    read = client.post(
        "/api/v1/directory/nominations", payload, content_type="application/json", **bearer(focal_point)
    )
    assert read.status_code == 403
    write = bearer(focal_point, "write")
    bad = {**payload, "details": {**payload["details"], "emails": ["nope"]}}
    refused = client.post("/api/v1/directory/nominations", bad, content_type="application/json", **write)
    assert refused.status_code == 422 and "not a valid e-mail address" in refused.json()["detail"]
    assert not Nomination.objects.exists()
    created = client.post("/api/v1/directory/nominations", payload, content_type="application/json", **write)
    assert created.status_code == 201 and created.json()["status"] == "pending"


def test_round_results_through_the_api(client, secretariat, member, participant, other_participant):
    make_contact(participant, "policy")
    make_contact(other_participant, "policy")
    check = checks.start_round(secretariat, title="API round", roles=["policy"])
    checks.prepare_round(check)
    full = client.get(f"/api/v1/checks/rounds/{check.pk}", **bearer(secretariat)).json()
    assert full["results"]["pinged"] == 2 and {p["participant"] for p in full["participants"]} == {"EG", "FR"}
    own = client.get(f"/api/v1/checks/rounds/{check.pk}", **bearer(member)).json()
    assert own["results"]["pinged"] == 1 and [p["participant"] for p in own["participants"]] == ["EG"]
    assert [r["title"] for r in client.get("/api/v1/checks/rounds", **bearer(member)).json()] == ["API round"]
