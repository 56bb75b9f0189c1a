"""After an action a reader stays where they were; the header folds on a phone; dark mode."""

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def sign_in(page, account) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@pytest.fixture
def feed(factory):
    """Ten articles on the first page; the eighth, far down it, is the one a reader favorites."""
    writer = factory.user("writer")
    slugs = [factory.article(writer, title=f"Story {n}") for n in range(10)]
    return writer, slugs[2]  # newest first: Story 2 is eighth


def test_favoriting_from_a_feed_without_javascript_comes_back_to_the_article(
    open_browser, factory, feed
):
    _, slug = feed
    page = open_browser(javascript=False)
    sign_in(page, factory.user("reader"))
    preview = f"#article-{slug}"
    page.locator(preview).get_by_role("button", name=re.compile("^Favorite “Story 2”")).click()
    page.wait_for_url(f"**/#article-{slug}")
    assert (
        page.locator(preview)
        .get_by_role("button", name="Unfavorite “Story 2”, 1 favorite")
        .is_visible()
    )
    # Not the top of the page. The browser scrolls to the fragment once the page has loaded.
    expect(page.locator(preview)).to_be_in_viewport(ratio=1)


def test_favoriting_with_javascript_updates_the_button_in_place(open_browser, factory, feed):
    _, slug = feed
    page = open_browser()
    sign_in(page, factory.user("reader"))
    page.evaluate("window.stayed = true")  # gone if the page reloads
    button = page.locator(f"#article-{slug}").get_by_role("button", name=re.compile("Story 2"))
    button.click()
    unfavorite = page.locator(f"#article-{slug}").get_by_role(
        "button", name="Unfavorite “Story 2”, 1 favorite"
    )
    unfavorite.wait_for()
    assert page.evaluate("window.stayed") is True
    assert page.url.endswith("/")
    assert unfavorite.evaluate("b => b === document.activeElement")  # focus stays on it
    unfavorite.click()
    page.locator(f"#article-{slug}").get_by_role(
        "button", name="Favorite “Story 2”, 0 favorites"
    ).wait_for()
    assert page.evaluate("window.stayed") is True


def test_following_with_javascript_updates_every_copy_of_the_button(open_browser, factory, feed):
    _, slug = feed
    page = open_browser()
    sign_in(page, factory.user("reader"))
    page.goto(f"/article/{slug}")
    page.evaluate("window.stayed = true")
    page.locator(".banner").get_by_role("button", name="Follow writer").click()
    page.locator(".banner").get_by_role("button", name="Unfollow writer").wait_for()
    assert page.locator(".article-actions").get_by_role("button", name="Unfollow writer").count()
    assert page.evaluate("window.stayed") is True


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_header_folds_into_a_menu_on_a_phone(open_browser, factory, javascript):
    page = open_browser(javascript=javascript, width=375)
    sign_in(page, factory.user("reader"))
    header = page.locator("header.navbar").bounding_box()
    assert header["height"] < 70  # one row: the name and the menu button
    assert not page.locator(".nav-wide").is_visible()
    settings = page.get_by_role("link", name="Settings")
    assert not settings.is_visible()
    page.get_by_text("Menu").click()  # a <details>: no JavaScript needed
    expect(page.get_by_role("searchbox", name="Search articles")).to_be_visible()
    settings.click()
    page.wait_for_url("**/settings")

    wide = open_browser(javascript=javascript, width=1280)
    wide.goto("/")
    expect(wide.locator(".nav-wide")).to_be_visible()
    expect(wide.get_by_text("Menu")).not_to_be_visible()


def test_tags_come_before_the_articles_on_a_phone(open_browser, factory):
    factory.article(factory.user(), title="Tagged", tag_list=["dragons"])
    page = open_browser(width=375)
    page.goto("/")
    tags = page.locator(".sidebar").get_by_role("link", name="dragons").bounding_box()
    article = page.get_by_role("heading", name="Tagged").bounding_box()
    assert tags["y"] < article["y"] and tags["y"] < 812


def luminance(rgb: str) -> float:
    def channel(value: str) -> float:
        c = int(value) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = re.findall(r"\d+", rgb)[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_palette_follows_the_system_and_meets_aa(browser, live_server, factory, scheme):
    factory.article(factory.user("writer"), title="Readable", body="Text with [a link](/x).")
    context = browser.new_context(base_url=live_server, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto("/article/readable")

        def style(selector: str, prop: str) -> str:
            return page.locator(selector).first.evaluate(
                f"e => getComputedStyle(e).getPropertyValue('{prop}')"
            )

        background = style("body", "background-color")
        assert (luminance(background) < 0.05) == (scheme == "dark")
        assert contrast(style("body", "color"), background) >= 7
        assert contrast(style(".article-body a", "color"), background) >= 4.5
        assert style(".article-body a", "text-decoration-line") == "underline"
        page.goto("/")
        assert contrast(style(".article-preview .date", "color"), background) >= 4.5
        assert contrast(style(".banner", "color"), style(".banner", "background-color")) >= 4.5
    finally:
        context.close()


def test_the_focus_ring_stands_out_on_the_dark_banner(open_browser, factory):
    factory.article(factory.user("writer"), title="Focus")
    page = open_browser()
    page.goto("/article/focus")
    author = page.locator(".banner a.author")
    author.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    ring = author.evaluate("e => getComputedStyle(e).outlineColor")
    banner = page.locator(".banner").evaluate("e => getComputedStyle(e).backgroundColor")
    assert contrast(ring, banner) >= 3


def test_icons_are_svg_with_the_words_beside_them(open_browser, factory):
    writer = factory.user("writer")
    factory.article(writer, title="Mine")
    page = open_browser()
    sign_in(page, writer)
    page.goto("/article/mine")
    delete = page.locator(".banner").get_by_role("button", name="Delete Article")
    assert delete.locator("svg use").count() == 1
    assert "🗑" not in page.content() and "✎" not in page.content()


def test_get_logout_offers_a_sign_out_button(open_browser, factory):
    page = open_browser()
    sign_in(page, factory.user("reader"))
    page.goto("/logout")
    expect(page.get_by_role("heading", name="Sign out")).to_be_visible()
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_a_page_past_the_end_links_to_the_last_one(open_browser, feed):
    page = open_browser()
    response = page.goto("/?page=9")
    assert response.status == 404
    expect(page.get_by_text("There is no page 9 here: this list has 1 page.")).to_be_visible()
    page.get_by_role("link", name="Go to the first page").click()
    page.wait_for_url(re.compile(r".*/$"))
    expect(page.get_by_role("heading", name="Story 9")).to_be_visible()
