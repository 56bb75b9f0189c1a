"""What users wrote is shown escaped on every admin page: a title, a bio, a comment, a tag, a
report's note, a reason, an audit entry's label and changes."""

from html import escape

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.moderation.models import AuditEntry
from myapp.users import services as users
from tests.pages.conftest import text

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute"])
def payload(request) -> str:
    return request.param


@pytest.fixture
def hostile(app, factory, staff, payload):
    """Everything a user can write, made of ``payload``; returns the admin and the URLs."""
    admin = staff("boss", "admin")
    writer = factory.user("writer", bio=f"bio {payload}")
    reader = factory.user("reader")
    slug = factory.article(
        writer, title=f"title {payload}", description=f"about {payload}", tag_list=[payload]
    )
    comment = factory.comment(reader, slug, f"comment {payload}")
    hidden = factory.comment(reader, slug, f"hidden {payload}")
    with app.app_context():
        boss = users.get_user(admin.id)
        report = moderation.report(
            users.get_user(reader.id), slug, None, {"reason": "spam", "note": f"note {payload}"}
        ).id
        comment_report = moderation.report(
            users.get_user(writer.id), slug, comment, {"reason": "abuse", "note": f"n {payload}"}
        ).id
        moderation.hide_comment(boss, hidden, f"reason {payload}")
        moderation.suspend(boss, "reader", f"suspended {payload}", None)
        moderation.rename_tag(boss, payload, f"t{payload}")
        # The entries that quote the payload (not the admin's own role, given by the CLI).
        entries = list(
            db.session.scalars(select(AuditEntry.id).where(AuditEntry.actor_id.is_not(None)))
        )
        db.session.remove()
    urls = [
        "/admin/", "/admin/users", "/admin/users/writer", "/admin/users/reader",
        "/admin/users?state=suspended", "/admin/articles", f"/admin/articles/{slug}",
        "/admin/comments", f"/admin/comments/{comment}", f"/admin/comments/{hidden}",
        "/admin/comments?state=hidden", "/admin/tags", "/admin/reports",
        f"/admin/reports/{report}", f"/admin/reports/{comment_report}", "/admin/reports?status=all",
        "/admin/audit", *(f"/admin/audit/{entry}" for entry in entries),
    ]  # fmt: skip
    return admin, urls


def test_every_admin_page_escapes_what_users_wrote(pages, hostile, payload):
    admin, urls = hostile
    pages.login(admin)
    escaped = escape(payload)  # as Jinja's autoescape writes it: &lt; &gt; &#x27; &quot;
    jinja_escaped = escaped.replace("&quot;", "&#34;")
    for url in urls:
        response = pages.get(url)
        assert response.status_code == 200, url
        page = text(response)
        assert payload not in page, url
        assert "<img src=x" not in page and "<script>alert" not in page, url
        assert jinja_escaped in page, url


def test_the_tag_page_escapes_its_name(app, pages, hostile, payload):
    admin, _ = hostile
    pages.login(admin)
    listing = text(pages.get("/admin/tags"))
    assert payload not in listing
    # Its page, by the URL the list links to (a name with "/" is a path).
    from urllib.parse import quote

    response = pages.get("/admin/tags/" + quote(f"t{payload}", safe="/"))
    assert response.status_code == 200
    assert payload not in text(response)
