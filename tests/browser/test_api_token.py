"""Personal API tokens: created and revoked in the tokens page, used with a Bearer header."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import APIRequestContext, Page, Playwright, expect

from tests.browser.conftest import sign_in
from thiqa.accounts.models import ApiToken, Participant, User

pytestmark = pytest.mark.browser

PROBLEM = "application/problem+json"


@pytest.fixture
def api(playwright: Playwright, live_server) -> Iterator[APIRequestContext]:
    """An HTTP client that shares nothing with the browser: no session cookie, no CSRF token."""
    context = playwright.request.new_context(base_url=live_server.url)
    yield context
    context.dispose()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create_token(page: Page, name: str, scope_label: str) -> str:
    """Create a token in the tokens page and return the secret it shows once."""
    page.goto("/accounts/tokens/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Scope").select_option(label=scope_label)
    page.get_by_label("Valid for (days)").fill("30")
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("thq_") and len(secret) > 40, secret
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text(secret[:8])
    return secret


def test_a_token_acts_within_its_scope_and_stops_when_revoked(
    page: Page, api: APIRequestContext, focal_point: User, participant: Participant
):
    sign_in(page, focal_point)

    read = create_token(page, "Dashboard", "Read only")
    page.goto("/accounts/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # the secret is shown once only
    assert read not in page.content()

    me = api.get("/api/v1/me", headers=bearer(read))
    assert me.status == 200, me.text()
    assert me.json()["email"] == focal_point.email
    assert me.json()["token_scope"] == "read"
    assert me.json()["memberships"] == [{"participant": participant.code, "role": "focal_point"}]

    # A focal point may edit its participant, but not through a read-only token.
    refused = api.patch(
        f"/api/v1/participants/{participant.code}",
        headers=bearer(read),
        data={"website": "https://example.org"},
    )
    assert refused.status == 403, refused.text()
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["status"] == 403
    participant.refresh_from_db()
    assert participant.website == ""

    write = create_token(page, "Ticketing system", "Read and write")
    changed = api.patch(
        f"/api/v1/participants/{participant.code}",
        headers=bearer(write),
        data={"website": "https://example.org"},
    )
    assert changed.status == 200, changed.text()
    assert changed.json()["website"].rstrip("/") == "https://example.org"
    participant.refresh_from_db()
    assert participant.website.rstrip("/") == "https://example.org"

    # Revoking one token in the page stops that token at once, and only that one.
    row = page.get_by_role("row").filter(has_text="Ticketing system")
    with page.expect_navigation():
        row.get_by_role("button", name="Revoke").click()
    expect(page.locator("main .messages")).to_contain_text("was revoked")
    expect(page.get_by_role("row").filter(has_text="Ticketing system")).to_contain_text("Revoked")

    after = api.get("/api/v1/me", headers=bearer(write))
    assert after.status == 401, after.text()
    assert after.headers["content-type"].startswith(PROBLEM)
    assert after.headers["www-authenticate"].startswith("Bearer")
    again = api.patch(
        f"/api/v1/participants/{participant.code}",
        headers=bearer(write),
        data={"website": "https://example.net"},
    )
    assert again.status == 401, again.text()
    participant.refresh_from_db()
    assert participant.website.rstrip("/") == "https://example.org"
    assert ApiToken.objects.get(name="Ticketing system").revoked_at is not None

    assert api.get("/api/v1/me", headers=bearer(read)).status == 200
