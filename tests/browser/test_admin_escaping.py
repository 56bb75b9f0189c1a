"""The admin area shows what users wrote as text, in Chromium: the public pages' XSS payloads in
every field a user or a moderator fills (bio, title, description, body, comment, tag, report
note, reasons) come out as text on every admin page, with no element or script made from them.

The CSP would block an inline handler anyway, so the test looks at the DOM itself: no element
the payloads would create, and the payload's text visible as typed."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.moderation.models import AuditEntry, Report
from myapp.users import services as users

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss = 1</script>"
IMAGE = '"><img src=x id=xss onerror=alert(1)>'
TAG = "<img src=x id=xss>"  # within a tag's 40 characters


@pytest.fixture
def hostile(app, factory):
    """Content carrying the payloads everywhere, reported, and acted on by an admin."""
    admin = factory.user("boss")
    writer = factory.user("writer", bio=f"{SCRIPT} {IMAGE}")
    reader = factory.user("reader")
    slug = factory.article(
        writer, title=f"{SCRIPT} title", description=IMAGE, body=IMAGE, tag_list=[TAG]
    )
    comment_id = factory.comment(writer, slug, f"{SCRIPT} {IMAGE}")
    with app.app_context():
        moderation.set_role(None, admin.username, "admin")
        acting = users.get_user(admin.id)
        for target in (None, comment_id):
            moderation.report(
                users.get_user(reader.id), slug, target, {"reason": "spam", "note": IMAGE}
            )
        moderation.hide_comment(acting, comment_id, f"{SCRIPT} reason")
        moderation.suspend(acting, writer.username, IMAGE, None)
        report_id = db.session.scalar(select(Report.id).where(Report.comment_id.is_(None)))
        entry_id = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "suspend"))
    return {
        "admin": admin,
        "urls": [
            "/admin/",
            "/admin/reports",
            "/admin/reports?status=resolved",
            f"/admin/reports/{report_id}",
            "/admin/articles",
            f"/admin/articles/{slug}",
            "/admin/comments",
            f"/admin/comments/{comment_id}",
            "/admin/users",
            f"/admin/users/{writer.username}",
            "/admin/tags",
            f"/admin/tags/{quote(TAG, safe='')}",
            "/admin/audit",
            f"/admin/audit/{entry_id}",
        ],
    }


def test_admin_pages_show_user_content_as_text(open_browser, hostile):
    page = open_browser()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    admin = hostile["admin"]
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")

    shown = set()
    for url in hostile["urls"]:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("#xss").count() == 0, url  # no element made from a payload
        assert page.evaluate("window.__xss") is None, url  # no script from a payload ran
        body = page.locator("main").inner_text()
        shown |= {payload for payload in (SCRIPT, IMAGE, TAG) if payload in body}
    assert shown == {SCRIPT, IMAGE, TAG}  # each appeared, as text, somewhere
    assert dialogs == []
