"""A visitor who is not signed in reads the catalogue in Arabic: the navigation offers the
catalogue, the library and the search; an Arabic query finds an item, whose page opens."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import arabic, submit
from thiqa.catalogue.loader import load_catalogue

pytestmark = pytest.mark.browser


def test_a_visitor_searches_the_catalogue_in_arabic_and_opens_an_item(page: Page) -> None:
    load_catalogue()
    page.goto("/")
    with page.expect_navigation():
        page.locator(".language-switch button[lang=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    nav = page.locator("header nav.main-nav")
    for label in ("Glossary", "Profiles", "Catalogue", "Library", "Search"):
        expect(nav.get_by_role("link", name=arabic(label))).to_be_visible()
    expect(nav.get_by_role("link")).to_have_count(5)
    expect(page.get_by_role("link", name=arabic("Sign in")).first).to_be_visible()

    nav.get_by_role("link", name=arabic("Catalogue")).click()
    expect(page).to_have_url(re.compile(r"/catalogue/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")

    nav.get_by_role("link", name=arabic("Search")).click()
    page.get_by_label(arabic("Words to find, in Arabic or English")).fill("نقاط الاتصال الوطنية")
    submit(page)
    first = page.locator("ol.search-hits a[href^='/catalogue/items/']").first
    expect(first).to_be_visible()
    href = first.get_attribute("href")
    first.click()
    expect(page).to_have_url(re.compile(re.escape(href or "") + "$"))
    expect(page.locator("article[lang=ar] p")).not_to_be_empty()
    expect(page.get_by_role("heading", name=arabic("Citations"))).to_be_visible()
    assert "/accounts/signin/" not in page.url
