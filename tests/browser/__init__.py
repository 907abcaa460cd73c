"""Browser tests (Playwright, headless Chromium)."""
