import pytest
from django.test import Client

from thiqa.library.tests.search_fixtures import build_corpus

pytestmark = pytest.mark.django_db

ABSURD = ["", "!!!", "ًٌٍَُِ", "x" * 10_000, "أ" * 501, "<script>alert(1)</script>", "' OR 1=1 --", '"unbalanced']


@pytest.fixture
def corpus() -> None:
    build_corpus()


@pytest.fixture
def signed_in(client: Client, member) -> Client:
    client.force_login(member)
    return client


def test_in_a_closed_deployment_anonymous_api_calls_get_401(client: Client, corpus, settings) -> None:
    settings.THIQA_PUBLIC_CATALOGUE = False
    response = client.get("/api/v1/search", {"q": "contact"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_members_get_ranked_hits(signed_in: Client, corpus) -> None:
    response = signed_in.get("/api/v1/search", {"q": "نقاط الاتصال", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    first = body["hits"][0]
    assert set(first) == {
        "type",
        "code",
        "document",
        "locator",
        "title",
        "snippet",
        "score",
        "url",
        "language",
    }
    assert first["type"] == "item" and first["code"] == "osce-cbm-8"
    assert first["url"] == "/catalogue/items/osce-cbm-8/"
    assert "<mark>" in first["snippet"]


def test_api_filters_by_type_and_language(signed_in: Client, corpus) -> None:
    body = signed_in.get("/api/v1/search", {"q": "exchanges CERT", "type": "passage", "lang": "en"}).json()
    assert [(h["type"], h["document"], h["locator"]) for h in body["hits"]] == [
        ("passage", "a-68-98", "26(d)")
    ]


@pytest.mark.parametrize("limit", ["0", "51", "many"])
def test_api_limit_out_of_bounds_is_a_422_problem(signed_in: Client, corpus, limit: str) -> None:
    response = signed_in.get("/api/v1/search", {"q": "contact", "limit": limit})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("q", ABSURD)
def test_absurd_queries_never_fail_the_api(signed_in: Client, corpus, q: str) -> None:
    response = signed_in.get("/api/v1/search", {"q": q})
    assert response.status_code in (200, 422)
    if len(q) > 500:
        assert response.status_code == 422 and "too long" in response.json()["detail"]
    elif q in ("", "!!!", "ًٌٍَُِ"):
        assert response.json()["hits"] == []


@pytest.mark.parametrize("q", ABSURD)
def test_absurd_queries_never_fail_the_page(signed_in: Client, corpus, q: str) -> None:
    response = signed_in.get("/search/", {"q": q, "pillar": "<b>", "type": "nonsense"})
    assert response.status_code == 200
    if len(q) > 500:
        assert b"too long" in response.content
    assert b"<script>alert(1)" not in response.content


def test_the_page_shows_hits_with_badges_and_marks(signed_in: Client, corpus) -> None:
    response = signed_in.get("/search/", {"q": "alert exchanges"})
    page = response.content.decode()
    assert "Passage" in page and "Catalogue item" in page
    assert "&lt;script&gt;" in page and "<mark>Exchanges</mark>" in page
    assert "<script>alert" not in page


def test_the_page_speaks_arabic(client: Client, corpus, member) -> None:
    member.language = "ar"
    member.save()
    client.force_login(member)
    response = client.get("/search/", {"q": "الثغرات"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode() or "rtl" in response.content.decode()


def test_in_a_closed_deployment_outsiders_are_refused(client: Client, corpus, settings) -> None:
    from conftest import make_user

    settings.THIQA_PUBLIC_CATALOGUE = False
    client.force_login(make_user("nobody@thiqa.example", None, None))
    assert client.get("/search/", {"q": "contact"}).status_code == 403
    assert client.get("/api/v1/search", {"q": "contact"}).status_code == 403


def test_the_navigation_offers_search_to_members(signed_in: Client) -> None:
    assert 'href="/search/"' in signed_in.get("/").content.decode()
