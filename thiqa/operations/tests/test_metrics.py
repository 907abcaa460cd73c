"""Prometheus metrics are read with a secretariat member's token; others are refused."""

import re

import pytest
from django.core.mail import EmailMessage

from thiqa.accounts import services


def _scrape(client, secret: str):
    return client.get("/api/v1/operations/metrics", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} ([0-9.e+-]+)$", text, re.M)
    assert match, f"{series} not in the exposition"
    return float(match.group(1))


def test_the_secretariat_reads_outbox_task_and_request_figures(db, client, secretariat):
    secret = services.create_token(secretariat, name="prometheus", scope="read", days=30)[1]
    EmailMessage("s", "b", "from@thiqa.example", ["to@thiqa.example"]).send()
    client.get("/healthz/live")
    response = _scrape(client, secret)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert _value(text, 'thiqa_outbox_messages{status="queued"}') == 1
    assert _value(text, 'thiqa_outbox_messages{status="sent"}') == 0
    assert 'thiqa_tasks{state="ready"}' in text
    live = 'thiqa_http_requests_total{method="GET",status="2xx",view="healthz-live"}'
    before = _value(text, live)
    client.get("/healthz/live")
    assert _value(_scrape(client, secret).content.decode(), live) == before + 1


@pytest.mark.parametrize("who", ["focal_point", "member", "observer"])
def test_other_roles_are_refused(db, client, request, who):
    user = request.getfixturevalue(who)
    secret = services.create_token(user, name="t", scope="read", days=1)[1]
    response = _scrape(client, secret)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_without_a_token_it_asks_for_one(db, client):
    response = client.get("/api/v1/operations/metrics")
    assert response.status_code == 401
