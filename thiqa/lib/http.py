"""Small helpers for views."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def posted(request: HttpRequest) -> Any:
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


@contextmanager
def link_language(request: HttpRequest, language: str) -> Iterator[None]:
    """Serve the page behind a link from an e-mail in the e-mail's language, unless the
    visitor chose a language of their own."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        language = request.LANGUAGE_CODE
    with translation.override(language):
        request.LANGUAGE_CODE = language
        yield
