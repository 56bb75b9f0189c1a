"""A reader searches from the header in a real browser, with JavaScript on and off (the box is a
plain GET form), and opens a result by its highlighted snippet."""

import re

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_search_from_the_header_opens_the_matching_article(open_browser, factory, javascript):
    author = factory.user("bestiarist")
    slug = factory.article(
        author,
        title="Training dragons",
        description="A field guide",
        body="Feed your dragon twice a day.",
    )
    factory.article(author, title="Growing roses", body="Feed the roses in spring.")
    factory.article(author, title="Taming wyverns", body="Keep your distance.")

    page = open_browser(javascript=javascript)
    page.goto("/")
    box = page.locator(".navbar").get_by_role("searchbox", name="Search articles")
    box.fill("feed dragon")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=feed\+dragon$"))

    # Every word is required: the roses are fed, but not dragons.
    assert page.locator(".search-total").inner_text() == "1 article found for “feed dragon”"
    result = page.locator(".search-result")
    assert result.get_by_role("heading").all_inner_texts() == ["Training dragons"]
    assert result.locator(".search-snippet mark").all_inner_texts() == ["Feed", "dragon"]

    result.get_by_role("heading", name="Training dragons").click()
    page.wait_for_url(f"**/article/{slug}")
    assert page.get_by_role("heading", level=1).inner_text() == "Training dragons"
