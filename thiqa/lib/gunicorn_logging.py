"""Gunicorn access logs without secrets: one-time links carry tokens in their path."""

import re
from typing import Any

from gunicorn.glogging import Logger

# /accounts/password/reset/<uidb64>/<token>/ : the token lets its holder set a password.
SECRET_PATHS = re.compile(r"(/accounts/password/reset/)[^/\s]+/[^/\s]+/")


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1[redacted]/", text)


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
