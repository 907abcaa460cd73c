"""API of the capacity room."""

from ninja import Router

router = Router(tags=["capacity"])
