"""The admin lists: search, filters, pagination, values that make no sense, and a query budget
that does not grow with the page."""

import re

import pytest

from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.users import services as users
from tests.pages.conftest import text

ROW_LINK = re.compile(r'<th scope="row">\s*<a href="/admin/users/([^"]+)"')


def usernames(page: str) -> list[str]:
    return ROW_LINK.findall(page)


def test_users_search_and_filters(pages, site, factory):
    factory.user("alice", email="wonder@land.example")
    pages.login(site.admin)
    assert usernames(text(pages.get("/admin/users?q=ALI"))) == ["alice"]
    assert usernames(text(pages.get("/admin/users?q=land.example"))) == ["alice"]
    assert usernames(text(pages.get("/admin/users?q=%25"))) == []  # % is literal
    assert usernames(text(pages.get("/admin/users?q=_"))) == []  # and so is _
    assert usernames(text(pages.get("/admin/users?role=moderator"))) == ["mod"]
    assert usernames(text(pages.get("/admin/users?role=admin"))) == ["boss"]
    assert usernames(text(pages.get("/admin/users?state=suspended"))) == ["sleeper"]
    active = usernames(text(pages.get("/admin/users?state=active")))
    assert "sleeper" not in active and "alice" in active
    assert usernames(text(pages.get("/admin/users?q=e&role=user&state=active"))) == [
        "alice",
        "goner",
        "writer",
        "reader",
    ]


def test_an_expired_suspension_counts_as_active(app, pages, site):
    from datetime import timedelta

    from myapp.models import utcnow
    from myapp.users.models import User

    with app.app_context():
        sleeper = db.session.get(User, site.sleeper.id)
        sleeper.suspended_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
        db.session.remove()
    pages.login(site.admin)
    assert usernames(text(pages.get("/admin/users?state=suspended"))) == []
    assert "sleeper" in usernames(text(pages.get("/admin/users?state=active")))


@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-3", "page=0", "page=99999999999999999999", "page=3.5",
        "role=king", "state=gone", "status=weird", "reason=%00x", "action=drop",
        "q=" + "x" * 5000, "q=%27%22%3C", "tab=1&endpoint=x&_scheme=javascript",
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/articles", "/admin/comments", "/admin/tags",
             "/admin/reports", "/admin/audit"],
)  # fmt: skip
def test_bad_query_values_never_fail(pages, site, path, query):
    pages.login(site.moderator)
    response = pages.get(f"{path}?{query}")
    # NUL characters are refused app-wide (400); everything else is ignored or clamped.
    assert response.status_code == (400 if "%00" in query else 200)


def test_pagination(app, factory, pages, site):
    for n in range(25):
        factory.user(f"member{n:02d}")
    pages.login(site.admin)
    first = text(pages.get("/admin/users?q=member"))
    assert "25 users · page 1 of 2" in first
    assert len(usernames(first)) == 20
    assert 'href="/admin/users?page=2&amp;q=member"' in first
    second = text(pages.get("/admin/users?q=member&page=2"))
    assert len(usernames(second)) == 5
    assert set(usernames(first)).isdisjoint(usernames(second))
    # Past the end: the last page.
    assert usernames(text(pages.get("/admin/users?q=member&page=40"))) == usernames(second)


def test_articles_search_and_filters(factory, pages, site):
    factory.article(site.writer, title="A quiet draft", status="draft")
    pages.login(site.moderator)

    def titles(query: str) -> list[str]:
        page = text(pages.get(f"/admin/articles?{query}"))
        return re.findall(r'<a href="/admin/articles/[^"]+">([^<]+)</a>', page)

    assert titles("") == ["A quiet draft", "Already hidden", "Target practice"]
    assert titles("q=TARGET") == ["Target practice"]
    assert titles("q=already-hid") == ["Already hidden"]  # by slug
    assert titles("state=hidden") == ["Already hidden"]
    assert titles("state=visible") == ["A quiet draft", "Target practice"]
    assert titles("status=draft") == ["A quiet draft"]
    assert titles("status=published&state=visible") == ["Target practice"]


def test_comments_search_and_filters(pages, site):
    pages.login(site.moderator)
    page = text(pages.get("/admin/comments?q=moderate"))
    assert "A comment to moderate" in page and "A hidden comment" not in page
    assert f'href="/article/{site.slug}#comment-{site.comment}"' in page
    page = text(pages.get("/admin/comments?state=hidden"))
    assert "A hidden comment" in page and "A comment to moderate" not in page
    assert "1 comment" in page


def test_tags_search_with_counts(factory, pages, site):
    factory.article(site.writer, tag_list=["news", "python"])
    pages.login(site.moderator)
    page = text(pages.get("/admin/tags"))
    assert re.findall(r'<a href="/admin/tags/([^"]+)">', page) == ["news", "old", "python"]
    assert re.findall(r'<td class="num">(\d+)</td>', page) == ["3", "1", "1"]
    assert 'href="/?tag=news"' in page
    page = text(pages.get("/admin/tags?q=PY"))
    assert re.findall(r'<a href="/admin/tags/([^"]+)">', page) == ["python"]


def test_tags_filter_by_usage(app, factory, pages, site):
    factory.article(site.writer, tag_list=["orphan"])
    with app.app_context():  # its article goes; the tag stays, carried by nothing
        moderation.delete_user(None, "writer", "writer")
    pages.login(site.moderator)

    def names(query: str) -> list[str]:
        page = text(pages.get(f"/admin/tags?{query}"))
        return re.findall(r'<a href="/admin/tags/([^"]+)">', page)

    assert names("usage=unused") == ["news", "old", "orphan"]
    assert names("usage=used") == []


def test_report_queue_filters(app, pages, site):
    pages.login(site.moderator)

    def report_ids(query: str) -> list[int]:
        page = text(pages.get(f"/admin/reports?{query}"))
        return [int(n) for n in re.findall(r"Report (\d+)</a>", page)]

    newest_first = [site.comment_report, site.article_report]
    assert report_ids("") == newest_first  # open by default
    assert report_ids("reason=abuse") == [site.comment_report]
    assert report_ids("status=dismissed") == []
    pages.post(f"/admin/reports/{site.article_report}/dismiss")
    assert report_ids("") == [site.comment_report]
    assert report_ids("status=dismissed") == [site.article_report]
    assert report_ids("status=all") == newest_first
    assert report_ids("status=all&q=ADS") == [site.article_report]  # in the note
    assert report_ids("status=all&q=moderate") == [site.comment_report]  # in the comment
    assert report_ids("status=all&q=reader") == [site.article_report]  # the reporter
    assert report_ids("status=all&q=practice") == newest_first  # the article's title
    page = text(pages.get("/admin/reports"))
    # Right in the row: the note, the reporter, the target with its public link, the actions.
    assert 'by <a href="/admin/users/writer">writer</a>' in page
    assert f'action="/admin/comments/{site.comment}/hide"' in page
    assert f'action="/admin/reports/{site.comment_report}/dismiss"' in page
    assert 'name="next" value="/admin/reports"' in page


def test_audit_log_filters(app, pages, site):
    pages.login(site.moderator)
    page = text(pages.get("/admin/audit?action=suspend"))
    assert "1 entry" in page and "sleeper" in page
    page = text(pages.get("/admin/audit?q=already-hid"))
    assert "1 entry" in page and "spam" in page
    page = text(pages.get("/admin/audit?q=system"))  # the roles given from the command line
    assert "2 entries" in page
    with app.app_context():
        entry = db.session.scalar(
            db.select(moderation.AuditEntry).where(moderation.AuditEntry.action == "suspend")
        )
        entry_id = entry.id
        db.session.remove()
    page = text(pages.get(f"/admin/audit/{entry_id}"))
    assert 'href="/admin/users/sleeper"' in page
    assert '<th scope="row">suspension reason</th>' in page and "a break" in page


def test_the_dashboard(app, pages, site):
    pages.login(site.moderator)
    page = text(pages.get("/admin/"))
    for value, label in [(6, "users"), (2, "articles"), (2, "comments"), (2, "open reports"),
                         (1, "hidden articles"), (1, "hidden comments"),
                         (1, "suspended users")]:  # fmt: skip
        assert (
            f'<span class="stat-value">{value}</span> <span class="stat-label">{label}</span>'
            in page
        )
    assert page.count('role="img"') == 3
    assert "6 sign-ups in all." in page
    assert page.count("<rect ") == 90 and page.count("<details") >= 3
    assert "style=" not in page and "<script>" not in page
    assert f'href="/admin/reports/{site.article_report}"' in page


# --- the query budget -----------------------------------------------------------------------


@pytest.fixture
def world(app, factory, staff):
    def build(size: int):
        admin = staff("boss", "admin")
        writer = factory.user("writer")
        readers = [factory.user(f"reader{n}") for n in range(size)]
        slug = None
        for n, reader in enumerate(readers):
            slug = factory.article(writer, title=f"Story {n}", tag_list=[f"tag{n}", "common"])
            comment = factory.comment(reader, slug, f"Comment {n}")
            with app.app_context():
                reporter = users.get_user(reader.id)
                moderation.report(reporter, slug, None, {"reason": "spam", "note": "n"})
                author = users.get_user(writer.id)
                moderation.report(author, slug, comment, {"reason": "abuse"})
                moderation.hide_comment(users.get_user(admin.id), comment, f"reason {n}")
                db.session.remove()
        return admin, slug

    return build


# The signed-in user, then: a list's total and its page; a detail's row and its lists.
BUDGETS = [
    ("/admin/", 5),  # counts, the per-day series, the open reports' total and newest
    ("/admin/users", 3), ("/admin/articles", 3), ("/admin/comments", 3), ("/admin/tags", 3),
    ("/admin/reports", 3), ("/admin/reports?status=all", 3), ("/admin/audit", 3),
    ("/admin/users/writer", 3),  # the user with counts, audit entries
    ("/admin/articles/{slug}", 5),  # the article, tags, reports, audit entries
    ("/admin/tags/common", 4),  # the tag with its count, articles, audit entries
]  # fmt: skip


@pytest.mark.parametrize(("path", "budget"), BUDGETS)
def test_a_constant_number_of_queries(app, pages, world, count_queries, path, budget):
    counts = []
    for size in (1, 20):
        admin, slug = world(size)
        pages.login(admin)
        with count_queries() as queries:
            response = pages.get(path.format(slug=slug))
        assert response.status_code == 200
        counts.append(queries.count)
        # Start again from nothing for the next size (the autouse fixture does it after).
        with app.app_context(), db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        pages = type(pages)(app.test_client())
    assert counts == [budget, budget]


def test_the_series_count_each_utc_day_of_the_last_30(app, factory, staff):
    from datetime import timedelta

    from sqlalchemy import update

    from myapp.articles.models import Article
    from myapp.models import utcnow
    from myapp.moderation import queries
    from myapp.users.models import User

    admin = staff("boss", "admin")
    writer = factory.user("writer")
    old, yesterday, today = (factory.article(writer) for _ in range(3))
    now = utcnow()
    with app.app_context():
        for slug, days in ((old, 30), (yesterday, 1)):
            db.session.execute(
                update(Article).where(Article.slug == slug).values(created_at=now - timedelta(days))
            )
        db.session.commit()
        board = queries.dashboard(db.session.get(User, admin.id))
        db.session.remove()
    signups, articles, comments = board.series
    assert len(articles.days) == 30 and articles.days[-1] == now.date()
    assert articles.values[-1] == 1 and articles.values[-2] == 1  # today, yesterday
    assert articles.total == 2  # the one from 30 days ago is outside the window
    assert (signups.total, comments.total) == (2, 0)
    assert articles.peak_day == now.date() - timedelta(days=1)
    assert board.counts["articles"] == 3
