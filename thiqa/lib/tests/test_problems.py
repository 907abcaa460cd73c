"""RFC 9457 problems: declared in the OpenAPI schema, and made of Django's own error answers."""

import json

import pytest
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory

from thiqa.lib.middleware import ApiProblemMiddleware
from thiqa.lib.problems import PROBLEM_CONTENT_TYPE


def test_a_server_error_under_the_api_is_a_problem_without_the_page():
    middleware = ApiProblemMiddleware(lambda request: HttpResponseServerError("<h1>Server Error</h1>"))
    response = middleware(RequestFactory().get("/api/v1/me"))
    assert response.status_code == 500 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = json.loads(response.content)
    assert body["status"] == 500 and body["title"] == "Server error"
    assert "<h1>" not in response.content.decode()


def test_pages_keep_their_own_server_error():
    middleware = ApiProblemMiddleware(lambda request: HttpResponseServerError("<h1>Server Error</h1>"))
    assert middleware(RequestFactory().get("/messages/"))["Content-Type"].startswith("text/html")
    ok = ApiProblemMiddleware(lambda request: HttpResponse("{}", content_type="application/json"))
    assert ok(RequestFactory().get("/api/v1/me")).status_code == 200


def test_every_operation_declares_its_problems(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]
    me = schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert {"200", "401", "403"} <= me.keys() and "422" not in me and "404" not in me
    patch = schema["paths"]["/api/v1/participants/{code}"]["patch"]["responses"]
    assert {"200", "404", "409", "413", "422"} <= patch.keys()
    assert patch["422"]["content"] == {
        PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
    }


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/catalogue/items?pillar=G%00C", None),
        ("/api/v1/glossary/terms", '{"term": "a\\u0000b"}'),
        ("/api/v1/glossary/terms", '{"term": "a\\U0000b"}'),
    ],
)
def test_the_nul_character_is_a_422_problem_on_every_database(client, db, path, body):
    """PostgreSQL cannot store U+0000: the fuzzing found it answered 500 there."""
    if body is None:
        response = client.get(path)
    else:
        response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "NUL" in response.json()["detail"]


def test_an_escaped_backslash_before_u0000_is_text_not_nul():
    middleware = ApiProblemMiddleware(lambda request: HttpResponse("{}", content_type="application/json"))
    for text, refused in [('"a\\\\u0000"', False), ('"a\\\\\\u0000"', True), ('"\\u0000"', True)]:
        request = RequestFactory().post("/api/v1/glossary/terms", data=text, content_type="application/json")
        assert (middleware(request).status_code == 422) is refused, text
