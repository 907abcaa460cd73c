"""The catalogue, the library and their search are public texts: visitors who are not signed in
read the pages and the API of an open deployment (the default), and are sent to sign in (pages)
or get the 401 problem (API) when ``THIQA_PUBLIC_CATALOGUE`` closes it. The policy decides."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.models import ApiToken
from thiqa.accounts.services import create_token
from thiqa.audit.models import AuditEvent
from thiqa.catalogue.loader import load_catalogue
from thiqa.library.models import Document
from thiqa.library.services import ingest

pytestmark = pytest.mark.django_db

TEXT = "أولا - مقدمة\n1 - تؤكد الدول أهمية تبادل المعلومات عن نقاط الاتصال.\n(أ) تسمية نقاط اتصال وطنية.\n"
READING = ["catalogue.view", "catalogue.export", "library.view", "search.query"]


@pytest.fixture
def texts(tmp_path) -> Document:
    load_catalogue()
    path = tmp_path / "sample.txt"
    path.write_text(TEXT, encoding="utf-8")
    return ingest(path, symbol="S/1", title_en="Sample", title_ar="عينة")


def pages(document: Document) -> list[str]:
    return [
        "/catalogue/",
        "/catalogue/?framework=osce-cbm&kind=cbm",
        "/catalogue/items/osce-cbm-8/",
        "/catalogue/export.json",
        "/catalogue/export.csv",
        "/library/",
        f"/library/{document.slug}/",
        "/search/?q=نقاط+الاتصال",
    ]


def endpoints(document: Document) -> list[str]:
    return [
        "/api/v1/catalogue/frameworks",
        "/api/v1/catalogue/items?framework=osce-cbm",
        "/api/v1/catalogue/items/osce-cbm-8",
        "/api/v1/library/documents",
        f"/api/v1/library/documents/{document.slug}",
        "/api/v1/search?q=contact+points",
    ]


def test_visitors_read_every_page_and_endpoint_of_an_open_deployment(client: Client, texts) -> None:
    for url in pages(texts) + endpoints(texts):
        assert client.get(url).status_code == 200, url
    item = client.get("/api/v1/catalogue/items/osce-cbm-8").json()
    assert item["parameters"] == {"reconfirm_months": 12, "change_notice_days": 30}
    passages = client.get(f"/api/v1/library/documents/{texts.slug}").json()["passage_list"]
    assert [p["locator"] for p in passages][-2:] == ["1", "1(a)"]
    hits = client.get("/api/v1/search", {"q": "contact points"}).json()["hits"]
    assert hits and {h["type"] for h in hits} <= {"item", "passage"}
    assert "osce-cbm-8" in {h["code"] for h in hits}
    page = client.get("/search/", {"q": "نقاط الاتصال"}).content.decode()
    assert "نقاط" in page and "This search covers the public texts" in page


def test_a_closed_deployment_sends_visitors_to_sign_in_and_answers_401(client: Client, texts, settings):
    settings.THIQA_PUBLIC_CATALOGUE = False
    for url in pages(texts):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/signin/?next="), url
    for url in endpoints(texts):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == 'Bearer realm="thiqa"'
        assert response.json()["title"] == "Authentication required"


def test_a_closed_deployment_is_read_by_the_community_only(client: Client, texts, member, settings):
    settings.THIQA_PUBLIC_CATALOGUE = False
    client.force_login(member)
    for url in pages(texts) + endpoints(texts):
        assert client.get(url).status_code == 200, url
    assert "This search covers the public texts" not in client.get("/search/").content.decode()
    client.force_login(make_user("nobody@thiqa.example", None, None))
    for url in pages(texts) + endpoints(texts):
        assert client.get(url).status_code == 403, url


def test_people_without_a_role_read_an_open_deployment(client: Client, texts) -> None:
    client.force_login(make_user("nobody@thiqa.example", None, None))
    for url in pages(texts) + endpoints(texts):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("public", [True, False])
def test_the_policy_decides_for_each_audience(texts, member, observer, settings, public: bool) -> None:
    settings.THIQA_PUBLIC_CATALOGUE = public
    outsider = make_user("nobody@thiqa.example", None, None)
    other = make_user("member@fr.example", observer.memberships.get().participant, "member")
    for action in READING:
        assert policy.ACTIONS[action].public and not policy.ACTIONS[action].writes
        for visitor in (None, AnonymousUser()):
            assert policy.can(visitor, action) is public
        assert policy.can(outsider, action) is public
        for person in (member, observer, other):
            assert policy.can(person, action)
    for visitor in (None, AnonymousUser(), outsider):
        assert not policy.can(visitor, "library.ingest")
        assert not policy.can(visitor, "search.community_entries")
    for person in (member, observer, other):
        assert policy.can(person, "search.community_entries")


def test_adding_documents_stays_with_the_secretariat(client: Client, texts, member) -> None:
    for response in (client.get("/library/ingest/"), client.post("/library/ingest/", {})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/signin/")
    client.force_login(member)
    assert client.get("/library/ingest/").status_code == 403
    assert Document.objects.count() == 1
    assert 'href="/library/ingest/"' not in client.get("/library/").content.decode()


def test_a_bad_token_is_refused_even_where_visitors_may_read(client: Client, texts) -> None:
    response = client.get("/api/v1/catalogue/frameworks", HTTP_AUTHORIZATION="Bearer thq_nonsense")
    assert response.status_code == 401
    assert response.json()["detail"] == "The API token is not valid, has expired or was revoked."


def test_a_read_token_reads_a_closed_deployment(client: Client, texts, member, settings) -> None:
    settings.THIQA_PUBLIC_CATALOGUE = False
    _token, secret = create_token(member, name="reader", scope=ApiToken.Scope.READ, days=1)
    for url in endpoints(texts):
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200, url


def test_a_visitors_download_is_not_audited_a_members_is(client: Client, texts, member) -> None:
    assert client.get("/catalogue/export.csv").status_code == 200
    assert not AuditEvent.objects.filter(action="catalogue.exported").exists()
    client.force_login(member)
    client.get("/catalogue/export.csv")
    assert AuditEvent.objects.filter(action="catalogue.exported", actor=member).count() == 1


def nav_links(html: str) -> list[str]:
    nav = html.split("<nav aria-label=", 1)[1].split("</nav>", 1)[0] if "<nav aria-label=" in html else ""
    return [part.split('"', 1)[0] for part in nav.split('href="')[1:]]


def test_the_navigation_offers_a_visitor_what_a_visitor_may_open(client: Client, texts) -> None:
    html = client.get("/").content.decode()
    # Agreed glossary concepts and public profiles are public too (their own rooms' rules).
    assert nav_links(html) == ["/glossary/", "/profiles/", "/catalogue/", "/library/", "/search/"]
    assert 'href="/accounts/signin/"' in html
    for url in nav_links(html):
        assert client.get(url).status_code == 200


def test_a_closed_deployment_offers_visitors_no_link_but_sign_in(client: Client, texts, settings) -> None:
    settings.THIQA_PUBLIC_CATALOGUE = False
    html = client.get("/").content.decode()
    # A closed deployment has no reading outside the community at all: the glossary's agreed
    # concepts and the public profiles close with the public texts.
    assert nav_links(html) == [] and 'href="/accounts/signin/"' in html


def test_a_visitor_reads_the_catalogue_in_arabic_right_to_left(client: Client, texts) -> None:
    client.cookies["thiqa-language"] = "ar"
    for url in ("/catalogue/", "/catalogue/items/osce-cbm-8/", f"/library/{texts.slug}/", "/search/?q=نقاط"):
        html = client.get(url).content.decode()
        assert '<html lang="ar" dir="rtl">' in html, url
        assert ">الفهرس</a>" in html and ">المكتبة</a>" in html and ">البحث</a>" in html
        assert ">تسجيل الدخول</a>" in html


def test_the_limits_hold_for_visitors(client: Client, texts) -> None:
    too_long = client.get("/api/v1/search", {"q": "أ" * 501})
    too_many = client.get("/api/v1/search", {"q": "contact", "limit": "51"})
    for response in (too_long, too_many):
        assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert too_long.json()["detail"] == "The query is too long: at most 500 characters, please shorten it."
    assert too_many.json()["errors"][0]["loc"][-1] == "limit"
    page = client.get("/search/", {"q": "أ" * 501})
    assert page.status_code == 200 and "too long" in page.content.decode()
