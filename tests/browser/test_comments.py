"""Comments in a real browser: editing one, the error of an empty comment in view at the
article's address, and deleting in two steps without JavaScript."""

from urllib.parse import urlsplit

import pytest

from tests.factories import Account

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

# Long enough that the comment form is far below the first screen.
LONG_BODY = "\n\n".join(f"Paragraph {n}. " + "A sentence about dragons. " * 20 for n in range(30))


def sign_in(page, account: Account) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_edit_a_comment(open_browser, factory):
    author = factory.user("writer")
    slug = factory.article(author)
    comment_id = factory.comment(author, slug, "Frist!")
    page = open_browser()
    sign_in(page, author)
    page.goto(f"/article/{slug}")
    card = page.locator(f"#comment-{comment_id}")
    assert card.locator(".edited").count() == 0

    card.get_by_role("link", name="Edit your comment").click()
    page.wait_for_url(f"**/article/{slug}/comments/{comment_id}/edit")
    page.get_by_role("textbox", name="Comment").fill("First!")
    page.get_by_role("button", name="Save comment").click()

    page.wait_for_url(f"**/article/{slug}#comment-{comment_id}")
    expect(page.get_by_text("Your comment is saved.")).to_be_visible()
    expect(card.get_by_text("First!")).to_be_visible()
    expect(card.locator(".edited")).to_be_visible()
    assert card.locator(".edited time").get_attribute("datetime")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_empty_comment_shows_its_error_in_view(open_browser, factory, javascript):
    author = factory.user("writer")
    slug = factory.article(author, body=LONG_BODY)
    reader = factory.user("reader")
    page = open_browser(javascript=javascript)
    sign_in(page, reader)
    page.goto(f"/article/{slug}")
    form = page.locator("#new-comment")
    assert form.bounding_box()["y"] > 1700  # far below the first screen

    form.get_by_role("button", name="Post Comment").click()
    error = page.locator("#error-body")
    error.wait_for()

    assert urlsplit(page.url).path == f"/article/{slug}"  # not /article/<slug>/comments
    expect(error).to_be_visible()
    assert "Comment can't be blank" in error.inner_text()
    # The browser scrolls to the form's fragment once the page has loaded.
    expect(error).to_be_in_viewport(ratio=1)
    textbox = page.get_by_role("textbox", name="Comment")
    assert textbox.get_attribute("aria-invalid") == "true"
    assert textbox.get_attribute("aria-describedby") == "error-body"

    # Then a real comment goes through, and the page shows it.
    textbox.fill("Now with words.")
    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_url(f"**/article/{slug}#comment-*")
    expect(page.locator(".comment").get_by_text("Now with words.")).to_be_visible()


def test_delete_a_comment_in_two_steps_without_javascript(open_browser, factory):
    author = factory.user("writer")
    slug = factory.article(author)
    comment_id = factory.comment(author, slug, "Something I regret saying")
    page = open_browser(javascript=False)
    sign_in(page, author)
    page.goto(f"/article/{slug}")

    page.locator(f"#comment-{comment_id}").get_by_role("button", name="Delete your comment").click()

    # Nothing is deleted yet: a page asks, quoting the comment.
    expect(page.get_by_role("heading", name="Delete your comment?")).to_be_visible()
    assert page.locator("blockquote").inner_text() == "Something I regret saying"
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(f"**/article/{slug}#comment-{comment_id}")
    expect(page.get_by_text("Something I regret saying")).to_be_visible()

    page.locator(f"#comment-{comment_id}").get_by_role("button", name="Delete your comment").click()
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(f"**/article/{slug}#comments")
    expect(page.get_by_text("Your comment is deleted.")).to_be_visible()
    assert page.get_by_text("Something I regret saying").count() == 0
