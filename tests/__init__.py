"""Tests that exercise Thiqa as a whole: browser, server process, deployment settings."""
