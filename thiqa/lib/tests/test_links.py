"""The one registry of what higher rooms add to lower rooms' pages: links and sections come
from the same providers, in registration order, each provider once, and a page with no
provider gets nothing."""

from thiqa.lib import links


def test_links_and_sections_come_from_the_providers_of_the_page():
    page = "tests.page"

    @links.provides(page)
    def first(user, obj):
        return [links.Link(f"about {obj}", "/a/"), links.Section("Part", "part.html", {"n": 1})]

    @links.provides(page)
    def second(user, obj):
        return [] if user is None else [links.Link("second", "/b/")]

    links.provides(page)(first)  # registered again when imported again: still once
    try:
        found = links.extras_for(page, "someone", "x")
        assert found.links == [links.Link("about x", "/a/"), links.Link("second", "/b/")]
        assert found.sections == [links.Section("Part", "part.html", {"n": 1})]
        assert links.extras_for(page, None, "x").links == [links.Link("about x", "/a/")]
        assert links.extras_for("tests.nothing", "someone", "x") == links.Extras([], [])
    finally:
        links.PROVIDERS.pop(page)
