"""What the rooms' forms share: showing a service's errors beside their fields, and the end
of a form page that saves through a service."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest

T = TypeVar("T")


class ServiceErrorsMixin:
    """For forms whose data a service checks: its errors (``InvalidInput.errors``) are shown
    beside their fields, and those of no field above the form."""

    def service_field(self, name: str) -> str:
        """The form field that shows the errors of the service's field ``name``."""
        return name

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, problems in errors.items():
            target = self.service_field(name)
            for message in problems:
                self.add_error(target if target in self.fields else None, message)  # type: ignore[attr-defined]


def save_valid(
    request: HttpRequest,
    form: Any,
    save: Callable[[], T],
    done: str,
    refused: tuple[type[Exception], ...],
) -> tuple[bool, T | None]:
    """The usual end of a form page: on a POST of a valid form, run ``save`` (a service);
    a refusal in ``refused`` shows its errors beside their fields (``errors``) or above the
    form, else ``done`` is shown as a success. Whether it saved, and what ``save`` returned."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = save()
    except refused as exc:
        errors = getattr(exc, "errors", None)
        if errors:
            form.add_service_errors(errors)
        else:
            form.add_error(None, str(exc))
        return False, None
    messages.success(request, done)
    return True, result
