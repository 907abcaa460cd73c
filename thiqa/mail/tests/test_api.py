"""API: the outbox as the secretariat reads it."""

from uuid import UUID

from django.core.mail import send_mail

from thiqa.accounts import services


def test_the_secretariat_lists_the_outbox_with_messages_in_it(client, secretariat):
    send_mail("Round 3", "Please acknowledge.", None, ["cert@example.org"])
    secret = services.create_token(secretariat, name="s", scope="read", days=1)[1]
    response = client.get("/api/v1/mail/outbox", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200, response.content
    [row] = response.json()["items"]
    assert UUID(row["id"]) and row["recipients"] == ["cert@example.org"]
