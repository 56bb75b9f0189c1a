"""The editor's preview in Chromium: live as the writer types with JavaScript, by its button
without; and highlighted code on the article page."""

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

BODY = "Hello **preview**\n\n```python\ndef greet():\n    return 1\n```\n"


def sign_in(page, account) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_typing_in_the_body_updates_the_preview(open_browser, factory):
    writer = open_browser(javascript=True)
    sign_in(writer, factory.user())
    writer.goto("/editor")
    writer.get_by_label("Title").fill("Live")
    writer.get_by_label("Body").fill(BODY)
    preview = writer.locator(".editor-preview .preview-content")
    preview.locator("strong", has_text="preview").wait_for()
    expect(preview.locator("h3", has_text="Live")).to_be_visible()
    keyword = preview.locator("span.k", has_text="def")
    expect(keyword).to_be_visible()
    # The tokens take the stylesheet's highlighting colours.
    plain = preview.locator("span.nf", has_text="greet")
    colour = "element => getComputedStyle(element).color"
    assert keyword.evaluate(colour) != plain.evaluate(colour)
    assert keyword.evaluate(colour) in ("rgb(0, 128, 0)", "rgb(255, 123, 114)")
    writer.get_by_label("Body").fill("Now *changed*")
    preview.locator("em", has_text="changed").wait_for()
    assert preview.locator("strong").count() == 0


def test_without_javascript_preview_then_publish_the_same_article(open_browser, factory):
    author = factory.user()
    slug = factory.article(author, title="Edit me", body="old body", status="draft")
    writer = open_browser(javascript=False)
    sign_in(writer, author)
    writer.goto(f"/editor/{slug}")
    writer.get_by_label("Body").fill(BODY)
    writer.get_by_role("button", name="Preview").click()
    writer.wait_for_url(f"**/editor/{slug}/preview")
    preview = writer.locator(".editor-preview")
    expect(preview.locator("strong", has_text="preview")).to_be_visible()
    expect(preview.locator("h3", has_text="Edit me")).to_be_visible()
    assert writer.get_by_label("Body").input_value() == BODY.rstrip("\n") or (
        writer.get_by_label("Body").input_value().strip() == BODY.strip()
    )
    writer.get_by_role("button", name="Publish now").click()
    writer.wait_for_url(f"**/article/{slug}")
    keyword = writer.locator(".article-body pre span.k", has_text="def")
    expect(keyword).to_be_visible()
    assert writer.locator(".article-body pre").get_attribute("tabindex") == "0"
