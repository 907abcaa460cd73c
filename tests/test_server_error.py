"""The error page when the database cannot be reached: a 503 that says nothing was saved, in
the person's language, drawn without the database; any other failure keeps Django's 500.
(The database really restarted under a request is in tests/test_faults.py.)"""

from django.db.utils import OperationalError
from django.utils import translation
from django.utils.translation import gettext as _

from thiqa.views import server_error


def answer_while_failing(request, error: Exception, language: str = "en"):
    with translation.override(language):
        try:
            raise error
        except Exception:
            return server_error(request)


def test_a_lost_database_gives_a_503_page_in_arabic(rf):
    response = answer_while_failing(
        rf.get("/messages/"), OperationalError("server closed the connection"), "ar"
    )
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    with translation.override("ar"):
        assert _("Briefly unavailable") in page
    assert 'lang="ar" dir="rtl"' in page and "<main" in page


def test_a_lost_database_under_the_api_gives_a_problem(rf):
    response = answer_while_failing(rf.get("/api/v1/messages"), OperationalError("connection refused"))
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"


def test_any_other_failure_keeps_the_500(rf):
    response = answer_while_failing(rf.get("/messages/"), ValueError("a bug"))
    assert response.status_code == 500
