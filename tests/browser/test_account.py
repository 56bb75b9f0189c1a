"""Your account in a real browser: the profile's counts, exporting your data, deleting it all."""

import json
import re
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.browser
# Skipped, like every browser test, where Playwright is not installed.
expect = pytest.importorskip("playwright.sync_api").expect

PASSWORD = "a-good-password"


def sign_up(page, username: str) -> None:
    page.goto("/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/")


def write_article(page, title: str) -> None:
    page.goto("/editor")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("A field guide")
    page.get_by_label("Body").fill("Be **patient**.")
    page.get_by_label("Tags").fill("dragons")
    page.get_by_role("button", name="Publish Article").click()
    page.wait_for_url(re.compile(r".*/article/[\w-]+$"))


def stats(page) -> list[str]:
    return [item.strip() for item in page.locator(".profile-stats li").all_inner_texts()]


def test_the_profile_shows_its_counts(open_browser, factory):
    writer = factory.user("writer")
    fan = factory.user("fan")
    factory.article(writer)
    factory.follow(fan, writer)
    page = open_browser()
    page.goto("/profile/writer")
    joined = f"Joined {datetime.now(UTC):%B %Y}"
    assert stats(page) == ["1 follower", "0 following", "1 article", joined]
    expect(page.get_by_role("link", name="Articles", exact=True)).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_export_then_delete_your_account(open_browser, javascript):
    page = open_browser(javascript=javascript)
    sign_up(page, "leaving")
    write_article(page, "Training dragons")
    slug = page.url.rsplit("/", 1)[1]
    page.get_by_role("textbox", name="Comment").fill("A note to self.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".comment").get_by_text("A note to self.")).to_be_visible()

    # The settings page downloads the export.
    page.goto("/settings")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data").click()
    download = download_info.value
    assert re.fullmatch(r"conduit-leaving-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as exported:
        data = json.load(exported)
    assert data["profile"]["username"] == "leaving"
    assert data["profile"]["email"] == "leaving@example.com"
    assert [(a["slug"], a["title"], a["tagList"]) for a in data["articles"]] == [
        (slug, "Training dragons", ["dragons"])
    ]
    assert data["articles"][0]["body"] == "Be **patient**."
    assert [(c["article"], c["body"]) for c in data["comments"]] == [(slug, "A note to self.")]
    assert "password" not in json.dumps(data).lower()

    # A wrong password: the error is beside the field, nothing is deleted.
    delete_form = page.locator("#delete-account")
    delete_form.get_by_label("Your password").fill("not my password")
    delete_form.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#error-delete-password")).to_have_text("Your password is wrong")
    assert re.search(r"/settings/delete#delete-account$", page.url)

    # The right one: signed out, home, the account and its writing gone.
    page.locator("#delete-account").get_by_label("Your password").fill(PASSWORD)
    page.locator("#delete-account").get_by_role("button", name="Delete my account").click()
    # (The browser keeps the form's "#delete-account" across the redirect: no such id there.)
    page.wait_for_url(re.compile(r"^http://[^/]+/(#delete-account)?$"))
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    assert page.goto("/profile/leaving").status == 404
    assert page.goto(f"/article/{slug}").status == 404

    page.goto("/login")
    page.get_by_label("Email").fill("leaving@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "/login" in page.url
    assert page.get_by_role("link", name="leaving").count() == 0
