"""The HTTP API: tokens, scopes, problem details, pagination."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from thiqa.accounts import services
from thiqa.accounts.models import ApiToken, Participant, hash_token
from thiqa.audit.models import AuditEvent

PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def write_token(focal_point):
    return services.create_token(focal_point, name="cert tool", scope="write", days=30)[1]


@pytest.fixture
def read_token(focal_point):
    return services.create_token(focal_point, name="dashboard", scope="read", days=30)[1]


def test_a_token_is_stored_hashed_and_shown_once(focal_point):
    token, secret = services.create_token(focal_point, name="t", scope="read", days=1)
    assert secret.startswith("thq_") and len(secret) > 40
    assert token.key_hash == hash_token(secret) and secret not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    assert AuditEvent.objects.filter(action="token.created", target_id=str(token.pk)).exists()
    assert secret not in json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))


def test_me_answers_with_the_token_scope(client, read_token, focal_point):
    body = client.get("/api/v1/me", **bearer(read_token)).json()
    assert body["email"] == focal_point.email
    assert body["token_scope"] == "read"
    assert body["memberships"] == [{"participant": "EG", "role": "focal_point"}]


def test_a_read_token_cannot_write(client, read_token, participant):
    response = client.patch(
        "/api/v1/participants/EG",
        data={"website": "https://egcert.example"},
        content_type="application/json",
        **bearer(read_token),
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert Participant.objects.get(pk=participant.pk).website == ""


def test_a_write_token_writes_and_the_change_is_audited(client, write_token, participant):
    response = client.patch(
        "/api/v1/participants/EG",
        data={"website": "https://egcert.example"},
        content_type="application/json",
        **bearer(write_token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["website"] == "https://egcert.example/"
    event = AuditEvent.objects.get(action="participant.changed")
    assert event.data["after"] == {"website": "https://egcert.example/"}


def test_a_write_token_cannot_exceed_its_owner_role(client, write_token, other_participant):
    response = client.patch(
        "/api/v1/participants/FR",
        data={"website": "https://x.example"},
        content_type="application/json",
        **bearer(write_token),
    )
    assert response.status_code == 403


@pytest.mark.parametrize("change", ["revoke", "expire"])
def test_revoked_and_expired_tokens_are_refused(client, focal_point, change):
    token, secret = services.create_token(focal_point, name="t", scope="read", days=1)
    if change == "revoke":
        services.revoke_token(token, actor=focal_point)
    else:
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["title"] == "Authentication required"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("secret", ["nonsense", "thq_" + "x" * 43, "thq_" + "x" * 500])
def test_unknown_tokens_are_refused(client, db, secret):
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_no_credentials_get_a_problem_not_a_page(client, db):
    response = client.get("/api/v1/participants")
    assert response.status_code == 401
    assert response.json() == {
        "type": "about:blank",
        "title": "Authentication required",
        "status": 401,
        "detail": "Sign in or send a valid API token.",
    }


def test_malformed_json_is_a_400_problem(client, write_token, participant):
    response = client.patch(
        "/api/v1/participants/EG", data="{not json", content_type="application/json", **bearer(write_token)
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


@pytest.mark.parametrize(
    "payload",
    [
        {"website": 42},
        {"website": "not a url"},
        {"name_en": ""},
        {"colour": "blue"},
        {"is_secretariat": True},
    ],
)
def test_wrong_types_and_unknown_fields_are_422_problems(client, write_token, participant, payload):
    response = client.patch(
        "/api/v1/participants/EG", data=payload, content_type="application/json", **bearer(write_token)
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["status"] == 422 and body["errors"]
    participant.refresh_from_db()
    assert not participant.is_secretariat and participant.name_en == "Egypt"


def test_an_oversized_body_is_a_413_problem(client, write_token, participant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.patch(
        "/api/v1/participants/EG",
        data={"name_en": "x" * 5000},
        content_type="application/json",
        **bearer(write_token),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_an_unknown_participant_is_a_404_problem(client, read_token):
    response = client.get("/api/v1/participants/ZZ", **bearer(read_token))
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_problems_are_translated(client, db):
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 401
    assert response.json()["title"] != "Authentication required"


def test_participants_are_paginated(client, read_token, db):
    Participant.objects.bulk_create(
        Participant(code=f"P{i:03d}", kind="company", name_en=f"Company {i}", name_ar=f"شركة {i}")
        for i in range(120)
    )
    first = client.get("/api/v1/participants?page_size=50", **bearer(read_token)).json()
    assert first["count"] == 121 and len(first["items"]) == 50
    last = client.get("/api/v1/participants?page_size=50&page=3", **bearer(read_token)).json()
    assert len(last["items"]) == 21
    codes = {p["code"] for p in first["items"]} | {p["code"] for p in last["items"]}
    assert len(codes) == 71
    bad = client.get("/api/v1/participants?page=0", **bearer(read_token))
    assert bad.status_code == 422


def test_secretariat_endpoints_refuse_others(client, read_token, secretariat):
    assert client.get("/api/v1/audit/events", **bearer(read_token)).status_code == 403
    assert client.get("/api/v1/mail/outbox", **bearer(read_token)).status_code == 403
    _token, secret = services.create_token(secretariat, name="s", scope="read", days=1)
    events = client.get("/api/v1/audit/events", **bearer(secret))
    assert events.status_code == 200 and events.json()["count"] >= 1


def test_session_writes_need_the_csrf_token(member, participant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 200
    response = client.patch("/api/v1/participants/EG", data={}, content_type="application/json")
    assert response.status_code in (401, 403)


def test_the_openapi_schema_describes_the_api(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Thiqa API"
    assert "/api/v1/participants/{code}" in schema["paths"]
    assert "patch" in schema["paths"]["/api/v1/participants/{code}"]


def test_unknown_paths_and_wrong_methods_are_problems_too(client, read_token):
    missing = client.get("/api/v1/nonexistent", **bearer(read_token))
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM
    wrong = client.delete("/api/v1/me", **bearer(read_token))
    assert wrong.status_code == 405 and wrong["Content-Type"] == PROBLEM
    assert "GET" in wrong["Allow"]
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")  # pages keep theirs
