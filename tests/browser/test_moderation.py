"""Moderation in a real browser: a reader reports a spam comment, the moderator is emailed
(through the worker's sweep, to a real SMTP server) and hides it from the queue, readers stop
seeing it at once, its author sees why, and the audit log shows who did it."""

import re
from urllib.parse import urlsplit

import pytest

from myapp.moderation import services as moderation
from tests.factories import Account

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

SPAM = "Cheap pills at pills.example, click now"


def sign_in(page, account: Account) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def make_moderator(app, account: Account) -> None:
    with app.app_context():
        moderation.set_role(None, account.username, "moderator")


def run_the_sweep(app) -> None:
    """What beat does every 30 seconds: the sweep queues each staff member's digest (run by
    this app's Celery: the tests make several apps, and a shared task runs in the last one's)."""
    with app.app_context():
        app.extensions["celery"].tasks["myapp.tasks.sweep_outbox"].apply()


def test_a_reported_spam_comment_is_hidden_from_the_queue(app, open_browser, factory, inbox):
    writer, spammer = factory.user("writer"), factory.user("spammer")
    reader = factory.user("reader")
    moderator = factory.user("moderator")
    make_moderator(app, moderator)
    slug = factory.article(writer, title="Gardening in winter")
    comment_id = factory.comment(spammer, slug, SPAM)
    inbox.messages.clear()  # the writer's "new comment" email

    # An anonymous visitor sees the comment (and the page's reads are now cached).
    visitor = open_browser()
    visitor.goto(f"/article/{slug}")
    expect(visitor.get_by_text(SPAM)).to_be_visible()

    # A reader reports it.
    page = open_browser()
    sign_in(page, reader)
    page.goto(f"/article/{slug}")
    comment = page.locator(f"#comment-{comment_id}")
    comment.get_by_text("Report", exact=True).click()
    comment.get_by_label("Spam or advertising").check()
    comment.get_by_label("Note for the moderators").fill("An advertisement")
    comment.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you: a moderator will look at your report.")).to_be_visible()

    # The worker emails the moderator a digest with a link to the report.
    run_the_sweep(app)
    (message,) = [m for m in inbox.messages if moderator.email in m["To"]]
    assert message["Subject"] == "Reports to review on Conduit"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "spam, by reader" in text and "Cheap pills" in text
    link = re.search(r"https?://\S+/admin/reports/\d+", text).group(0)

    # The moderator follows it, and hides the comment from the queue with a reason.
    staff = open_browser()
    sign_in(staff, moderator)
    staff.goto(urlsplit(link).path)  # the link names PUBLIC_URL; this server has its own port
    staff.get_by_role("link", name="Reports").first.click()
    item = staff.locator(".report-item").filter(has_text="Cheap pills")
    item.get_by_label("Reason").fill("Advertising")
    item.get_by_role("button", name="Hide comment").click()
    expect(staff.get_by_text("No open reports")).to_be_visible()

    # Gone for readers at once, cached page or not.
    visitor.reload()
    assert visitor.get_by_text(SPAM).count() == 0
    expect(visitor.get_by_text("Comments (0)")).to_be_visible()

    # Its author sees it, with the reason.
    author = open_browser()
    sign_in(author, spammer)
    author.goto(f"/article/{slug}")
    hidden = author.locator(f"#comment-{comment_id}")
    expect(hidden.get_by_text("This comment is hidden by a moderator")).to_be_visible()
    expect(hidden.get_by_text("The reason given: Advertising")).to_be_visible()

    # The audit log says who did what, to what, and why.
    staff.goto("/admin/audit")
    entry = staff.locator("tr, li").filter(has_text="moderator").filter(has_text="hide").first
    expect(entry).to_be_visible()
    entry.get_by_role("link").last.click()
    expect(staff.get_by_text("Advertising").first).to_be_visible()
    expect(staff.get_by_text(f"#{comment_id}: Cheap pills").first).to_be_visible()
