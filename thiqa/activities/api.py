"""API of the activities room."""

from ninja import Router

router = Router(tags=["activities"])
