"""Who may do what in /admin, URL by URL: the area does not exist (404) for anyone but staff;
moderators read everything and handle reports and hiding; admin-only actions are refused to
them (403) with nothing changed; admins do everything."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from myapp.articles.models import Article, Comment, Tag
from myapp.extensions import db
from myapp.moderation.models import Report
from myapp.users.models import User
from tests.admin.conftest import Site

GETS = [
    "/admin/",
    "/admin/users",
    "/admin/users/writer",
    "/admin/articles",
    "/admin/articles/{slug}",
    "/admin/comments",
    "/admin/comments/{comment}",
    "/admin/tags",
    "/admin/tags/news",
    "/admin/reports",
    "/admin/reports/{article_report}",
    "/admin/audit",
    "/admin/audit/{entry}",
]


def _article(slug: str) -> Article:
    return db.session.scalar(select(Article).where(Article.slug == slug))


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _tag_names(slug: str) -> set[str]:
    return {tag.name for tag in db.session.scalars(
        select(Tag).join(Article.tags).where(Article.slug == slug)
    )}  # fmt: skip


# (url, form, who may: "staff" or "admin", whether it happened: site -> bool)
Effect = Callable[[Site], bool]
POSTS: list[tuple[str, dict[str, str], str, Effect]] = [
    ("/admin/articles/{slug}/hide", {"reason": "spam"}, "staff",
     lambda s: _article(s.slug).hidden_at is not None),
    ("/admin/articles/{hidden_slug}/unhide", {}, "staff",
     lambda s: _article(s.hidden_slug).hidden_at is None),
    ("/admin/comments/{comment}/hide", {"reason": "rude"}, "staff",
     lambda s: db.session.get(Comment, s.comment).hidden_at is not None),
    ("/admin/comments/{hidden_comment}/unhide", {}, "staff",
     lambda s: db.session.get(Comment, s.hidden_comment).hidden_at is None),
    ("/admin/reports/{article_report}/dismiss", {}, "staff",
     lambda s: db.session.get(Report, s.article_report).status == "dismissed"),
    ("/admin/users/writer/role", {"role": "moderator"}, "admin",
     lambda s: _user("writer").role == "moderator"),
    ("/admin/users/writer/suspend", {"reason": "spam", "until": ""}, "admin",
     lambda s: _user("writer").suspended_at is not None),
    ("/admin/users/sleeper/unsuspend", {}, "admin",
     lambda s: _user("sleeper").suspended_at is None),
    ("/admin/users/goner/delete", {"confirm": "goner"}, "admin",
     lambda s: _user("goner") is None),
    ("/admin/tags/old/rename", {"name": "vintage"}, "admin",
     lambda s: _tag_names(s.slug) == {"news", "vintage"}),
    ("/admin/tags/old/merge", {"name": "news"}, "admin",
     lambda s: _tag_names(s.slug) == {"news"}),
]  # fmt: skip


def _url(template: str, site: Site) -> str:
    return template.format(**vars(site))


def _sign_in(pages: Any, site: Site, who: str) -> None:
    account = {"user": site.reader, "moderator": site.moderator, "admin": site.admin}.get(who)
    if account is not None:
        pages.login(account)


def _happened(app, site: Site, effect: Effect) -> bool:
    with app.app_context():
        try:
            return effect(site)
        finally:
            db.session.remove()


@pytest.mark.parametrize("who", ["anonymous", "user", "moderator", "admin"])
@pytest.mark.parametrize("url", GETS)
def test_pages(pages, site, who, url):
    _sign_in(pages, site, who)
    response = pages.get(_url(url, site))
    assert response.status_code == (200 if who in ("moderator", "admin") else 404)


@pytest.mark.parametrize("who", ["anonymous", "user", "moderator", "admin"])
@pytest.mark.parametrize(
    ("url", "form", "allowed", "effect"), POSTS, ids=[post[0] for post in POSTS]
)
def test_actions(app, pages, site, who, url, form, allowed, effect):
    _sign_in(pages, site, who)
    assert not _happened(app, site, effect)
    response = pages.post(_url(url, site), form)
    if who in ("anonymous", "user"):
        expected = 404
    elif who == "moderator" and allowed == "admin":
        expected = 403
    else:
        expected = 302
    assert response.status_code == expected, response.get_data(as_text=True)
    assert _happened(app, site, effect) == (expected == 302)


def test_no_route_edits_or_deletes_audit_entries(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert {rule.endpoint for rule in rules} == {"admin.audit", "admin.audit_entry"}
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)


def test_a_suspended_admin_is_locked_out(app, pages, site, staff):
    """An admin suspended by another admin loses the area with their session."""
    second = staff("second", "admin")
    pages.login(second)
    assert pages.get("/admin/").status_code == 200
    other = type(pages)(app.test_client())
    other.login(site.admin)
    assert other.post("/admin/users/second/suspend", {"reason": "compromised"}).status_code == 302
    assert pages.get("/admin/").status_code == 404
