"""A writer and a reader use Conduit in a real browser, with JavaScript on and off."""

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def sign_up(page, username: str) -> None:
    page.goto("/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill("a-good-password")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("link", name=username)).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_writer_and_reader(open_browser, javascript):
    writer = open_browser(javascript=javascript)
    sign_up(writer, "writer")

    # The writer publishes an article with tags and Markdown.
    writer.get_by_role("link", name="New Article").click()
    writer.get_by_label("Title").fill("Training dragons")
    writer.get_by_label("Description").fill("A field guide")
    writer.get_by_label("Body").fill("## Rule one\n\nBe **patient**.\n\n- feed\n- rest")
    writer.get_by_label("Tags").fill("dragons, training")
    writer.get_by_role("button", name="Publish Article").click()
    writer.wait_for_url("**/article/training-dragons")
    expect(writer.get_by_role("heading", name="Rule one")).to_be_visible()
    assert writer.locator(".article-body strong").inner_text() == "patient"
    expect(writer.get_by_text("Your article is published.")).to_be_visible()

    # It is on the home page and under its tag.
    writer.goto("/")
    expect(writer.get_by_role("heading", name="Training dragons")).to_be_visible()
    writer.locator(".sidebar").get_by_role("link", name="dragons").click()
    writer.wait_for_url(re.compile(r".*\?tag=dragons"))
    expect(writer.get_by_role("heading", name="Training dragons")).to_be_visible()

    # A reader follows the writer, favorites, comments, and finds the article in Your Feed.
    reader = open_browser(javascript=javascript)
    sign_up(reader, "reader")
    reader.goto("/article/training-dragons")
    reader.locator(".banner").get_by_role("button", name="Follow writer").click()
    # With JavaScript the button changes in place, a moment after the click.
    reader.locator(".banner").get_by_role("button", name="Unfollow writer").wait_for()
    reader.locator(".banner").get_by_role("button", name=re.compile("Favorite")).click()
    reader.locator(".banner").get_by_text("Unfavorite Article (1)").wait_for()
    reader.get_by_role("textbox", name="Comment").fill("Very helpful, thanks!")
    reader.get_by_role("button", name="Post Comment").click()
    expect(reader.locator(".comment").get_by_text("Very helpful, thanks!")).to_be_visible()
    reader.goto("/")
    reader.get_by_role("link", name="Your Feed").click()
    expect(reader.get_by_role("heading", name="Training dragons")).to_be_visible()

    # The writer sees the favorite, edits, then deletes the article.
    writer.goto("/article/training-dragons")
    expect(writer.get_by_text("Very helpful, thanks!")).to_be_visible()
    writer.locator(".banner").get_by_role("link", name="Edit Article").click()
    writer.get_by_label("Title").fill("Training dragons, revised")
    writer.get_by_role("button", name="Update Article").click()
    writer.wait_for_url("**/article/training-dragons-revised")
    expect(writer.get_by_role("heading", name="Training dragons, revised")).to_be_visible()
    writer.locator(".banner").get_by_role("button", name="Delete Article").click()
    if not javascript:  # the server asks instead of window.confirm
        expect(writer.get_by_role("heading", name="Delete this article?")).to_be_visible()
        writer.get_by_role("button", name="Delete Article").click()
    writer.wait_for_url("**/")
    expect(writer.get_by_text("Your article is deleted.")).to_be_visible()
    expect(writer.get_by_text("No articles are here")).to_be_visible()


def test_forms_show_errors_next_to_fields(open_browser):
    page = open_browser()
    page.goto("/register")
    page.get_by_label("Username").fill("bad name")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#error-username")).to_be_visible()
    assert page.locator("#error-email").inner_text() == "Email is invalid"
    assert page.get_by_label("Username").input_value() == "bad name"


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/no/such/page"])
def test_pages_fit_a_375px_screen(open_browser, factory, path):
    factory.article(factory.user(), title="A rather long title " * 4, tag_list=["one", "two"])
    page = open_browser(width=375)
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_keyboard_users_can_skip_to_content(open_browser):
    page = open_browser()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_visible()
    assert skip.evaluate("el => el === document.activeElement")
