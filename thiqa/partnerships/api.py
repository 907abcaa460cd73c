"""API of the partnerships room."""

from ninja import Router

router = Router(tags=["partnerships"])
