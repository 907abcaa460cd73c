"""Access logs never carry the token of a password link."""

from thiqa.lib.gunicorn_logging import redact


def test_reset_links_are_redacted():
    line = "GET /accounts/password/reset/MTI/cz4abc-0123456789abcdef/ HTTP/1.1"
    assert redact(line) == "GET /accounts/password/reset/[redacted]/ HTTP/1.1"


def test_other_paths_are_kept():
    for path in ("/accounts/password/reset/", "/accounts/password/reset/sent/", "/participants/EG/"):
        assert redact(path) == path
