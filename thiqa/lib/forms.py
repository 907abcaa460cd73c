"""What the rooms' forms share."""


class ServiceErrorsMixin:
    """For forms whose data a service checks: its errors (``InvalidInput.errors``) are shown
    beside their fields, and those of no field above the form."""

    def service_field(self, name: str) -> str:
        """The form field that shows the errors of the service's field ``name``."""
        return name

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = self.service_field(name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)  # type: ignore[attr-defined]
