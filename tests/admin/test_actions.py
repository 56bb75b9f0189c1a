"""Each admin action through its page: what it changed, the audit entry it left, the message
the staff member reads, and the refusals (last admin, typed confirmation, bad dates)."""

from datetime import UTC, datetime
from html import escape

from sqlalchemy import select

from myapp.articles.models import Article, Comment
from myapp.extensions import db
from myapp.moderation.models import AuditEntry, Report
from myapp.users.models import User
from tests.pages.conftest import text


def audit_entries(app, action: str | None = None) -> list[AuditEntry]:
    """The audit log, oldest first, detached from any session."""
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        entries = list(db.session.scalars(query))
        db.session.expunge_all()
        db.session.remove()
    return entries


def load(app, model, **where):
    with app.app_context():
        found = db.session.scalar(select(model).filter_by(**where))
        if found is not None:
            db.session.expunge(found)
        db.session.remove()
    return found


def flashed(pages, response) -> str:
    """The page the action redirected to, with its flash messages."""
    assert response.status_code == 302, text(response)
    return text(pages.get(response.headers["Location"]))


# --- hiding, and what readers see --------------------------------------------------------


def test_hiding_an_article_is_audited_and_resolves_its_reports(app, pages, site):
    pages.login(site.moderator)
    response = pages.post(f"/admin/articles/{site.slug}/hide", {"reason": "Advertising"})
    assert response.headers["Location"] == f"/admin/articles/{site.slug}"
    page = flashed(pages, response)
    assert "“Target practice” is hidden" in page
    assert "Advertising" in page  # its hidden reason, and the audit entry's

    article = load(app, Article, slug=site.slug)
    assert article.hidden_at is not None and article.hidden_reason == "Advertising"
    (entry,) = [e for e in audit_entries(app, "hide") if e.target_id == article.id]
    assert (entry.actor_name, entry.actor_id) == ("mod", site.moderator.id)
    assert (entry.target_type, entry.target_label, entry.reason) == (
        "article",
        site.slug,
        "Advertising",
    )
    assert entry.changes == {"hidden": [False, True], "hidden_reason": [None, "Advertising"]}
    assert load(app, Report, id=site.article_report).status == "resolved"
    # The comment's report is about something else: still open.
    assert load(app, Report, id=site.comment_report).status == "open"


def test_a_hidden_article_is_gone_for_readers_at_once_but_not_for_staff(app, pages, site, client):
    reader = app.test_client()
    # Cached for anonymous readers before it is hidden...
    assert reader.get(f"/api/articles/{site.slug}").status_code == 200
    assert reader.get(f"/api/articles/{site.slug}").status_code == 200
    pages.login(site.admin)
    assert pages.post(f"/admin/articles/{site.slug}/hide", {"reason": "x"}).status_code == 302
    # ...and gone right after, from the API and the pages.
    assert reader.get(f"/api/articles/{site.slug}").status_code == 404
    assert reader.get(f"/article/{site.slug}").status_code == 404
    assert site.slug not in reader.get("/api/articles").get_data(as_text=True)
    # The admin still sees it, in public and in the admin area.
    assert pages.get(f"/article/{site.slug}").status_code == 200
    assert pages.get(f"/admin/articles/{site.slug}").status_code == 200


def test_unhiding_an_article(app, pages, site):
    pages.login(site.moderator)
    page = flashed(pages, pages.post(f"/admin/articles/{site.hidden_slug}/unhide"))
    assert "is visible again" in page
    assert load(app, Article, slug=site.hidden_slug).hidden_at is None
    entry = audit_entries(app, "unhide")[-1]
    assert (entry.actor_name, entry.target_type, entry.reason) == ("mod", "article", None)
    assert entry.changes == {"hidden": [True, False], "hidden_reason": ["spam", None]}
    assert app.test_client().get(f"/api/articles/{site.hidden_slug}").status_code == 200


def test_hiding_needs_a_reason_and_twice_is_refused(app, pages, site):
    pages.login(site.moderator)
    page = flashed(pages, pages.post(f"/admin/articles/{site.slug}/hide", {"reason": "  "}))
    assert "The reason can&#39;t be blank." in page
    assert load(app, Article, slug=site.slug).hidden_at is None
    page = flashed(pages, pages.post(f"/admin/articles/{site.hidden_slug}/hide", {"reason": "x"}))
    assert "This article is hidden already." in page


def test_unknown_targets_are_404(pages, site):
    pages.login(site.admin)
    assert pages.post("/admin/articles/nope/hide", {"reason": "x"}).status_code == 404
    assert pages.post("/admin/comments/999999/hide", {"reason": "x"}).status_code == 404
    assert pages.post("/admin/reports/999999/dismiss").status_code == 404
    assert pages.post("/admin/users/nobody/unsuspend").status_code == 404
    assert pages.post("/admin/tags/nope/rename", {"name": "x"}).status_code == 404
    for url in ("/admin/users/nobody", "/admin/articles/nope", "/admin/comments/999999",
                "/admin/tags/nope", "/admin/reports/999999", "/admin/audit/999999"):  # fmt: skip
        assert pages.get(url).status_code == 404, url


def test_hiding_a_comment_from_the_queue_goes_back_to_the_queue(app, pages, site):
    pages.login(site.moderator)
    queue = "/admin/reports?status=open&reason=abuse"
    response = pages.post(
        f"/admin/comments/{site.comment}/hide", {"reason": "Insults", "next": queue}
    )
    assert response.headers["Location"] == queue
    page = flashed(pages, response)
    assert f"Comment {site.comment} is hidden" in page
    assert load(app, Comment, id=site.comment).hidden_reason == "Insults"
    assert load(app, Report, id=site.comment_report).status == "resolved"
    entry = audit_entries(app, "hide")[-1]
    assert (entry.target_type, entry.target_id, entry.reason) == (
        "comment",
        site.comment,
        "Insults",
    )
    # The public page no longer shows it to readers.
    public = app.test_client().get(f"/article/{site.slug}").get_data(as_text=True)
    assert "A comment to moderate" not in public


def test_next_must_be_local(pages, site):
    pages.login(site.moderator)
    response = pages.post(
        f"/admin/comments/{site.comment}/hide", {"reason": "x", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == f"/admin/comments/{site.comment}"


def test_unhiding_a_comment(app, pages, site):
    pages.login(site.moderator)
    flashed(pages, pages.post(f"/admin/comments/{site.hidden_comment}/unhide"))
    assert load(app, Comment, id=site.hidden_comment).hidden_at is None
    entry = audit_entries(app, "unhide")[-1]
    assert (entry.target_type, entry.target_id) == ("comment", site.hidden_comment)


def test_dismissing_a_report(app, pages, site):
    pages.login(site.moderator)
    response = pages.post(
        f"/admin/reports/{site.article_report}/dismiss", {"next": "/admin/reports"}
    )
    assert response.headers["Location"] == "/admin/reports"
    assert f"Report {site.article_report} is dismissed" in flashed(pages, response)
    report = load(app, Report, id=site.article_report)
    assert report.status == "dismissed" and report.resolved_by_id == site.moderator.id
    assert load(app, Article, slug=site.slug).hidden_at is None  # the content stays
    entry = audit_entries(app, "dismiss")[-1]
    assert (entry.actor_name, entry.target_type, entry.target_id) == (
        "mod",
        "report",
        site.article_report,
    )
    assert entry.changes == {"status": ["open", "dismissed"]}
    # Twice: refused, readably.
    page = flashed(pages, pages.post(f"/admin/reports/{site.article_report}/dismiss"))
    assert "This report is dismissed already." in page
    assert "dismissed" in text(pages.get(f"/admin/reports/{site.article_report}"))


# --- people -------------------------------------------------------------------------------


def test_setting_a_role(app, pages, site):
    pages.login(site.admin)
    response = pages.post("/admin/users/writer/role", {"role": "moderator"})
    assert response.headers["Location"] == "/admin/users/writer"
    assert "writer is now a moderator." in flashed(pages, response)
    assert load(app, User, username="writer").role == "moderator"
    entry = audit_entries(app, "set-role")[-1]
    assert (entry.actor_name, entry.target_type, entry.target_id, entry.target_label) == (
        "boss",
        "user",
        site.writer.id,
        "writer",
    )
    assert entry.changes == {"role": ["user", "moderator"]}
    # The new moderator has the area now.
    other = type(pages)(app.test_client())
    other.login(site.writer)
    assert other.get("/admin/").status_code == 200


def test_an_unknown_role_is_refused(app, pages, site):
    pages.login(site.admin)
    page = flashed(pages, pages.post("/admin/users/writer/role", {"role": "king"}))
    assert "The role must be one of: user, moderator, admin." in page
    assert load(app, User, username="writer").role == "user"


def test_the_last_admin_cannot_be_demoted_suspended_or_deleted(app, pages, site):
    pages.login(site.admin)
    before = len(audit_entries(app))
    page = flashed(pages, pages.post("/admin/users/boss/role", {"role": "moderator"}))
    assert "This user is the last admin: make someone else an admin before you demote them." in page
    page = flashed(pages, pages.post("/admin/users/boss/suspend", {"reason": "x"}))
    assert "This user is you: you cannot suspend yourself." in page
    page = flashed(pages, pages.post("/admin/users/boss/delete", {"confirm": "boss"}))
    assert "This user is you: you cannot delete yourself here." in page
    boss = load(app, User, username="boss")
    assert (boss.role, boss.suspended_at) == ("admin", None)
    assert len(audit_entries(app)) == before
    # With a second admin, the first may step down.
    flashed(pages, pages.post("/admin/users/writer/role", {"role": "admin"}))
    flashed(pages, pages.post("/admin/users/boss/role", {"role": "user"}))
    assert load(app, User, username="boss").role == "user"
    assert pages.get("/admin/").status_code == 404


def test_suspending_with_a_reason_and_an_end(app, pages, site):
    pages.login(site.admin)
    response = pages.post(
        "/admin/users/writer/suspend", {"reason": "Spamming links", "until": "2099-01-31"}
    )
    page = flashed(pages, response)
    assert "writer is suspended until January 31, 2099 at 00:00 UTC." in page
    assert "Spamming links" in page
    writer = load(app, User, username="writer")
    assert writer.suspension_reason == "Spamming links"
    assert writer.suspended_until == datetime(2099, 1, 31, tzinfo=UTC)
    entry = audit_entries(app, "suspend")[-1]
    assert (entry.actor_name, entry.target_label, entry.reason) == (
        "boss",
        "writer",
        "Spamming links",
    )
    assert entry.changes == {
        "suspended": [False, True],
        "suspended_until": [None, "2099-01-31T00:00:00+00:00"],
        "suspension_reason": [None, "Spamming links"],
    }
    # Their writing is gone for readers; they cannot sign in.
    assert app.test_client().get(f"/api/articles/{site.slug}").status_code == 404
    assert "suspended" in text(pages.get("/admin/users?state=suspended"))


def test_suspension_input_is_checked(app, pages, site):
    pages.login(site.admin)
    page = flashed(pages, pages.post("/admin/users/writer/suspend", {"reason": ""}))
    assert "The reason can&#39;t be blank." in page
    page = flashed(
        pages, pages.post("/admin/users/writer/suspend", {"reason": "x", "until": "soon"})
    )
    assert "The end date must be a date like 2026-12-01" in page
    page = flashed(
        pages, pages.post("/admin/users/writer/suspend", {"reason": "x", "until": "2001-01-01"})
    )
    assert "The end date must be in the future." in page
    assert load(app, User, username="writer").suspended_at is None


def test_lifting_a_suspension(app, pages, site):
    pages.login(site.admin)
    page = flashed(pages, pages.post("/admin/users/sleeper/unsuspend"))
    assert "sleeper&#39;s suspension is lifted." in page
    assert load(app, User, username="sleeper").suspended_at is None
    entry = audit_entries(app, "unsuspend")[-1]
    assert entry.changes["suspended"] == [True, False]
    page = flashed(pages, pages.post("/admin/users/sleeper/unsuspend"))
    assert "This user is not suspended." in page


def test_deleting_needs_the_username_typed(app, pages, site):
    pages.login(site.admin)
    for typed in ("", "Goner", "someone"):
        page = flashed(pages, pages.post("/admin/users/goner/delete", {"confirm": typed}))
        assert "The confirmation" in page
    assert load(app, User, username="goner") is not None
    # From the person's own page: afterwards, the list (their page is gone).
    response = pages.post(
        "/admin/users/goner/delete", {"confirm": "goner", "next": "/admin/users/goner"}
    )
    assert response.headers["Location"] == "/admin/users"
    assert "goner is deleted" in flashed(pages, response)
    assert load(app, User, username="goner") is None
    entry = audit_entries(app, "delete")[-1]
    assert (entry.actor_name, entry.target_type, entry.target_label) == ("boss", "user", "goner")
    assert entry.changes == {
        "articles": [0, 0],
        "comments": [0, 0],
        "email": ["goner@example.com", None],
    }
    # The entry outlives its target: shown, without a link.
    page = text(pages.get(f"/admin/audit/{entry.id}"))
    assert "(no longer exists)" in page and 'href="/admin/users/goner"' not in page


def test_deleting_from_a_list_row_goes_back_to_that_list(pages, site):
    pages.login(site.admin)
    listing = "/admin/users?q=o&page=1"
    response = pages.post("/admin/users/goner/delete", {"confirm": "goner", "next": listing})
    assert response.headers["Location"] == listing


def test_moderators_see_no_admin_forms(app, pages, site):
    pages.login(site.moderator)
    for url in ("/admin/users", "/admin/users/writer", "/admin/tags", "/admin/tags/news"):
        page = text(pages.get(url))
        for action in ("/role", "/suspend", "/delete", "/rename", "/merge"):
            assert f'{action}"' not in page, (url, action)
    admin = type(pages)(app.test_client())
    admin.login(site.admin)
    page = text(admin.get("/admin/users/writer"))
    assert 'action="/admin/users/writer/role"' in page
    assert 'action="/admin/users/writer/delete"' in page


# --- tags ---------------------------------------------------------------------------------


def _api_tags(app) -> list[str]:
    return app.test_client().get("/api/tags").get_json()["tags"]


def _api_tag_list(app, slug: str) -> list[str]:
    return app.test_client().get(f"/api/articles/{slug}").get_json()["article"]["tagList"]


def test_renaming_a_tag(app, pages, site):
    assert "old" in _api_tags(app)  # cached before the rename
    pages.login(site.admin)
    response = pages.post("/admin/tags/old/rename", {"name": "vintage", "next": "/admin/tags/old"})
    assert response.headers["Location"] == "/admin/tags/vintage"
    assert "The tag “old” is now “vintage”." in flashed(pages, response)
    assert _api_tag_list(app, site.slug) == ["news", "vintage"]
    assert "vintage" in _api_tags(app) and "old" not in _api_tags(app)
    listing = text(pages.get("/admin/tags"))
    assert 'href="/admin/tags/vintage"' in listing and 'href="/admin/tags/old"' not in listing
    assert pages.get("/admin/tags/old").status_code == 404
    entry = audit_entries(app, "rename")[-1]
    assert (entry.actor_name, entry.target_type, entry.target_label) == ("boss", "tag", "vintage")
    assert entry.changes == {"name": ["old", "vintage"]}


def test_renaming_to_a_taken_name_is_refused(app, pages, site):
    pages.login(site.admin)
    page = flashed(pages, pages.post("/admin/tags/old/rename", {"name": "news"}))
    assert "The tag name is another tag&#39;s: merge into it instead." in page
    assert _api_tag_list(app, site.slug) == ["news", "old"]


def test_merging_a_tag(app, factory, pages, site):
    other = factory.article(site.writer, title="Old only", tag_list=["old"])
    assert sorted(_api_tags(app)) == ["news", "old"]
    pages.login(site.admin)
    response = pages.post("/admin/tags/old/merge", {"name": "news", "next": "/admin/tags"})
    assert response.headers["Location"] == "/admin/tags"
    assert "The tag “old” is merged into “news”." in flashed(pages, response)
    assert _api_tag_list(app, site.slug) == ["news"]
    assert _api_tag_list(app, other) == ["news"]
    assert _api_tags(app) == ["news"]
    listing = text(pages.get("/admin/tags"))
    assert 'href="/admin/tags/news"' in listing and 'href="/admin/tags/old"' not in listing
    # news: Target practice, Old only and the hidden one.
    assert '<td class="num">3</td>' in listing
    entry = audit_entries(app, "merge")[-1]
    assert entry.changes == {"name": ["old", "news"], "articles_moved": [0, 1]}


def test_merging_into_itself_or_nothing_is_refused(app, pages, site):
    pages.login(site.admin)
    page = flashed(pages, pages.post("/admin/tags/old/merge", {"name": "old"}))
    assert "The tag name is the tag itself" in page
    assert pages.post("/admin/tags/old/merge", {"name": "nope"}).status_code == 404
    assert _api_tag_list(app, site.slug) == ["news", "old"]


def test_flash_messages_are_escaped(app, factory, pages, site):
    """A message quoting a title (“...” is hidden) goes through autoescaping too."""
    slug = factory.article(site.writer, title="<b>bold</b>")
    pages.login(site.admin)
    page = flashed(pages, pages.post(f"/admin/articles/{slug}/hide", {"reason": "x"}))
    assert escape("“<b>bold</b>” is hidden", quote=False) in page
