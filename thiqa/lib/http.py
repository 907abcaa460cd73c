"""Small helpers for views."""

from typing import Any

from django.http import HttpRequest


def posted(request: HttpRequest) -> Any:
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None
