"""Signed-in pages from cached fragments (myapp/pages/fragments.py): each reader still sees their
own favorites, controls and CSRF token; every write is seen on the very next page load, through
this app or another sharing the database and the cache; and no SQL statement is added."""

import os
import re
import uuid

import pytest
from flask import Flask

from myapp import create_app, forms
from myapp.pages import fragments
from tests.factories import Account, Factory
from tests.moderation.conftest import Staff
from tests.pages.conftest import CSRF, PageClient, text

REDIS_URL = os.environ.get("REDIS_URL")
PREVIEW = re.compile(r'<article class="article-preview" id="article-([^"]+)">(.*?)</article>', re.S)
FAVORITE_FORM = re.compile(r'action="/article/([^"/]+)/(favorite|unfavorite)"')
NEXT = re.compile(r'name="next" value="([^"]*)"')


def signed_in(app: Flask, account: Account) -> PageClient:
    pages = PageClient(app.test_client())
    pages.login(account)
    return pages


def previews(page: str) -> dict[str, str]:
    """Each preview's HTML, by its article's slug."""
    return dict(PREVIEW.findall(page))


def no_preview_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a preview can only come from the cache: rendering one fails the test."""
    real = fragments.macro

    def macro(template: str, name: str):
        if name != "article_preview":
            return real(template, name)

        def refuse(*args, **kwargs):
            raise AssertionError("a preview was rendered instead of taken from the cache")

        return refuse

    monkeypatch.setattr(fragments, "macro", macro)


def test_each_reader_sees_their_own_favorites_and_token_in_cached_previews(
    app, factory, monkeypatch
):
    author = factory.user("author")
    slugs = [factory.article(author, title=f"Story {n}") for n in range(3)]
    ann, bob = factory.user("ann"), factory.user("bob")
    factory.favorite(ann, slugs[0])
    factory.favorite(bob, slugs[1])
    readers = {"ann": signed_in(app, ann), "bob": signed_in(app, bob)}
    for pages in readers.values():
        assert pages.get("/").status_code == 200  # renders and caches what this reader needs

    no_preview_rendered(monkeypatch)
    seen = {name: text(pages.get("/?page=1")) for name, pages in readers.items()}

    favorite = {"ann": slugs[0], "bob": slugs[1]}
    tokens = {}
    for name, page in seen.items():
        assert "\x00" not in page  # every marker was filled in
        found = previews(page)
        assert set(found) == set(slugs)
        for slug, preview in found.items():
            verb = "unfavorite" if slug == favorite[name] else "favorite"
            assert FAVORITE_FORM.findall(preview) == [(slug, verb)]
            # Back to this page (not the one the fragment was cached from), at the preview.
            assert NEXT.findall(preview) == [f"/?page=1#article-{slug}"]
        page_tokens = set(CSRF.findall(page))
        assert len(page_tokens) == 1  # the same token in every preview: this request's
        tokens[name] = page_tokens.pop()

    # Each token is the reader's own: it works in their session and not in the other's.
    ann_pages = readers["ann"]
    bob_token = {"csrf_token": tokens["bob"], "next": "/"}
    assert ann_pages.client.post(f"/article/{slugs[2]}/favorite", data=bob_token).status_code == 400
    ann_token = {"csrf_token": tokens["ann"], "next": "/"}
    assert ann_pages.client.post(f"/article/{slugs[2]}/favorite", data=ann_token).status_code == 302


def test_a_sessions_csrf_token_is_signed_once_and_submits_as_flask_wtfs_own(
    app, factory, monkeypatch
):
    """The pages reuse the signature flask-wtf made for a session's token (myapp/forms.py): it
    is made for the first page with a form, and submits. Another session has its own; with a
    time limit on tokens, every page has a new one, as flask-wtf makes it."""
    signed = []
    sign = forms.generate_csrf
    monkeypatch.setattr(forms, "generate_csrf", lambda: signed.append(1) or sign())
    ann, bob = signed_in(app, factory.user("ann")), signed_in(app, factory.user("bob"))
    signed.clear()  # signing in showed the sign-in form

    def token(pages: PageClient) -> str:
        return CSRF.search(text(pages.get("/settings"))).group(1)

    first, again = token(ann), token(ann)
    assert first == again and len(signed) == 1
    assert token(bob) != first and len(signed) == 2
    follow = {"csrf_token": first, "next": "/"}
    assert ann.client.post("/profile/bob/follow", data=follow).status_code == 302

    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    signed.clear()
    token(ann), token(ann)
    assert len(signed) == 2


def test_the_article_page_shows_each_reader_their_own_controls(app, factory):
    author = factory.user("author")
    ann, bob, cat = factory.user("ann"), factory.user("bob"), factory.user("cat")
    slug = factory.article(author)
    ann_comment = factory.comment(ann, slug, "Ann says")
    bob_comment = factory.comment(bob, slug, "Bob says")
    factory.favorite(ann, slug)  # ann favorited it, cat follows its author, bob neither
    factory.follow(cat, author)
    readers = {"author": author, "bob": bob, "cat": cat, "ann": ann}
    pages = {name: signed_in(app, who) for name, who in readers.items()}
    for reader in pages.values():
        reader.get(f"/article/{slug}")  # each caches the pieces as they see them

    page = {name: text(reader.get(f"/article/{slug}")) for name, reader in pages.items()}

    delete = {
        "ann": f'action="/article/{slug}/comments/{ann_comment}/delete"',
        "bob": f'action="/article/{slug}/comments/{bob_comment}/delete"',
    }
    assert delete["ann"] in page["ann"] and delete["bob"] not in page["ann"]
    assert delete["bob"] in page["bob"] and delete["ann"] not in page["bob"]
    assert not any(form in page["cat"] for form in delete.values())
    assert f'id="report-comment-{bob_comment}"' in page["ann"]
    assert f'id="report-comment-{ann_comment}"' in page["bob"]
    for name in ("bob", "cat", "ann"):
        verb = "unfavorite" if name == "ann" else "favorite"
        assert f'action="/article/{slug}/{verb}"' in page[name], name
        verb = "unfollow" if name == "cat" else "follow"
        assert f'action="/profile/author/{verb}"' in page[name], name
        assert f'href="/editor/{slug}"' not in page[name]
    assert f'href="/editor/{slug}"' in page["author"]
    for name, html in page.items():
        assert "\x00" not in html
        assert len(set(CSRF.findall(html))) == 1, name  # one token, this request's


def test_a_readers_own_clicks_show_on_their_next_page_load(app, factory):
    """The article and profile pages are the cached article and profile with the reader's
    flags: their favorite and follow show at once, and so do the counts."""
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author)
    pages = signed_in(app, reader)

    def load() -> tuple[str, str]:
        return text(pages.get(f"/article/{slug}")), text(pages.get("/profile/author"))

    load()  # caches the article, the profile and the reader's flags
    article, profile = load()
    assert f'action="/article/{slug}/favorite"' in article
    assert 'action="/profile/author/follow"' in article and "0 followers" in profile
    assert 'action="/profile/author/follow"' in profile

    factory.favorite(reader, slug)
    factory.follow(reader, author)
    article, profile = load()
    assert f'action="/article/{slug}/unfavorite"' in article
    assert '<span class="counter">(1)</span>' in article
    assert 'action="/profile/author/unfollow"' in article
    assert 'action="/profile/author/unfollow"' in profile and "1 follower<" in profile

    assert pages.post("/profile/author/unfollow", {"next": "/"}).status_code == 302
    article, profile = load()
    assert 'action="/profile/author/follow"' in article
    assert 'action="/profile/author/follow"' in profile and "0 followers" in profile


NAV_USER = re.compile(r'<a class="nav-user" href="/profile/(\w+)"\s*(aria-current="page")?')


def test_the_site_links_are_each_readers_own(app, factory):
    ann, bob = factory.user("ann"), factory.user("bob")
    readers = {"ann": signed_in(app, ann), "bob": signed_in(app, bob)}
    paths = ("/", "/profile/ann", "/profile/bob")
    for pages in readers.values():
        for path in paths:
            pages.get(path)  # cached as each reader sees them

    for name, pages in readers.items():
        for path in paths:
            page = text(pages.get(path))
            # Twice (in a row and in a menu): the reader's own, current on their own profile.
            current = 'aria-current="page"' if path == f"/profile/{name}" else ""
            assert NAV_USER.findall(page) == [(name, current)] * 2, (name, path)
            assert 'id="header-search-q"' in page and 'id="menu-search-q"' in page


@pytest.mark.parametrize("path", ["/", "/?tag=common&page=1", "/article/{slug}", "/profile/author"])
def test_cached_fragments_make_the_same_page_as_rendering_live(app, factory, monkeypatch, path):
    author, reader = factory.user("author"), factory.user("reader")
    slugs = [factory.article(author, tag_list=["common"]) for _ in range(3)]
    factory.favorite(reader, slugs[0])
    factory.follow(reader, author)
    factory.comment(reader, slugs[-1], "Mine")
    factory.comment(author, slugs[-1], "Theirs")
    pages = signed_in(app, reader)
    pages.get("/settings")  # shows the sign-in's flash message
    url = path.format(slug=slugs[-1])

    def page() -> str:
        return CSRF.sub("csrf", text(pages.get(url)))

    with monkeypatch.context() as patch:
        patch.setattr(fragments, "content_version", lambda: None)  # as with no cache
        live = page()
    pages.get(url)  # caches the fragments
    assert page() == live


# --- every write, seen on the next signed-in page load ---------------------------------------


@pytest.fixture
def scene(app, factory):
    author = factory.user("author")
    slug = factory.article(
        author, title="The story", description="First words", body="Old body", tag_list=["before"]
    )
    comment = factory.comment(author, slug, "Old comment")
    return {"author": author, "slug": slug, "comment": comment}


def api(app: Flask):
    return app.test_client()


WRITES = {
    "edit": (
        lambda app, s: api(app).put(
            f"/api/articles/{s['slug']}",
            json={"article": {"description": "New words", "body": "New body"}},
            headers=s["author"].headers,
        ),
        lambda home, article: "New words" in home and "New body" in article,
        lambda home, article: "First words" in home and "Old body" in article,
    ),
    "retag": (
        lambda app, s: api(app).put(
            f"/api/articles/{s['slug']}",
            json={"article": {"tagList": ["after"]}},
            headers=s["author"].headers,
        ),
        lambda home, article: ">after</a>" in home and ">before</a>" not in article,
        lambda home, article: ">before</a>" in home and ">before</a>" in article,
    ),
    "favorite count": (
        lambda app, s: Factory(app).favorite(Factory(app).user("fan"), s["slug"]),
        lambda home, article: (
            '1<span class="visually-hidden"> favorite</span>' in home
            and '<span class="counter">(1)</span>' in article
        ),
        lambda home, article: (
            '0<span class="visually-hidden"> favorites</span>' in home
            and '<span class="counter">(0)</span>' in article
        ),
    ),
    "author rename": (
        lambda app, s: api(app).put(
            "/api/user", json={"user": {"username": "renamed"}}, headers=s["author"].headers
        ),
        lambda home, article: (
            'href="/profile/renamed"' in home and 'href="/profile/renamed"' in article
        ),
        lambda home, article: (
            'href="/profile/author"' in home and 'href="/profile/author"' in article
        ),
    ),
    "moderation hide": (
        lambda app, s: Staff(app, Factory(app)).hide_article(s["slug"]),
        lambda home, article: "The story" not in home and article is None,
        lambda home, article: "The story" in home and article is not None,
    ),
    "delete": (
        lambda app, s: api(app).delete(f"/api/articles/{s['slug']}", headers=s["author"].headers),
        lambda home, article: "The story" not in home and article is None,
        lambda home, article: "The story" in home and article is not None,
    ),
    "comment edit": (
        lambda app, s: api(app).put(
            f"/api/articles/{s['slug']}/comments/{s['comment']}",
            json={"comment": {"body": "New comment"}},
            headers=s["author"].headers,
        ),
        lambda home, article: "New comment" in article and "Old comment" not in article,
        lambda home, article: "Old comment" in article,
    ),
    "comment hidden": (
        lambda app, s: Staff(app, Factory(app)).hide_comment(s["comment"]),
        lambda home, article: "Old comment" not in article,
        lambda home, article: "Old comment" in article,
    ),
}


def load(pages: PageClient, slug: str) -> tuple[str, str | None]:
    """The home page and the article's page (None when the reader may not see it)."""
    article = pages.get(f"/article/{slug}")
    assert article.status_code in (200, 404)
    return text(pages.get("/")), text(article) if article.status_code == 200 else None


@pytest.mark.parametrize("write", WRITES)
def test_every_write_is_seen_on_the_next_signed_in_page_load(app, factory, scene, write):
    reader = signed_in(app, factory.user("reader"))
    make, after, before = WRITES[write]
    assert before(*load(reader, scene["slug"]))
    assert before(*load(reader, scene["slug"]))  # now from the cached fragments

    response = make(app, scene)
    assert response is None or response.status_code < 300

    assert after(*load(reader, scene["slug"]))


# --- two app instances sharing the database and the cache -------------------------------------


@pytest.fixture
def two_instances(database_url) -> tuple[Flask, Flask]:
    """Two apps on the same database, and on the same Redis when there is one (each with a
    cache of its own otherwise, and the instance folder's content version)."""
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"conduit-test-{uuid.uuid4().hex}:",
    }
    return create_app(settings), create_app(settings)


def test_a_write_through_one_instance_is_seen_through_the_other(app, factory, two_instances):
    one, two = two_instances
    author, fan, reader = factory.user("author"), factory.user("fan"), factory.user("reader")
    slug = factory.article(author, title="Shared", description="Before", body="Body before")
    watching = signed_in(one, reader)
    home, article = load(watching, slug)
    assert "Before" in home and '<span class="counter">(0)</span>' in article
    load(watching, slug)  # from the cached fragments

    writer = signed_in(two, author)
    edited = writer.post(
        f"/editor/{slug}",
        {"title": "Shared", "description": "After", "body": "Body after", "tags": ""},
    )
    assert edited.status_code == 302
    assert signed_in(two, fan).post(f"/article/{slug}/favorite", {"next": "/"}).status_code == 302

    home, article = load(watching, slug)
    assert "After" in home and "Before" not in home
    assert "Body after" in article and '<span class="counter">(1)</span>' in article


# --- no SQL statement added -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "spared"),
    [
        ("/", 1),  # the articles: the page's ids and the reader's flags are enough
        ("/article/{slug}", 2),  # the comments but for their ids, and "Read next"
    ],
)
def test_cached_fragments_add_no_sql_statement(
    app, factory, count_queries, monkeypatch, path, spared
):
    """Cached fragments never cost a statement, and what they show is not read when they are
    all in the cache."""
    author, reader = factory.user("author"), factory.user("reader")
    pages = signed_in(app, reader)

    def statements(slug: str) -> tuple[int, int]:
        """A page's statements with its fragments rendered live, then from the cache."""
        url = path.format(slug=slug)
        with monkeypatch.context() as patch:
            patch.setattr(fragments, "content_version", lambda: None)  # as with no cache
            pages.get(url)  # warms every other cache
            with count_queries() as live:
                assert pages.get(url).status_code == 200
        pages.get(url)  # caches the fragments
        with count_queries() as cached:
            assert pages.get(url).status_code == 200
        return live.count, cached.count

    slug = factory.article(author, tag_list=["common"])
    factory.comment(author, slug)
    one = statements(slug)
    for _ in range(11):  # a page of 12 previews, an article with 12 comments
        factory.favorite(reader, factory.article(author, tag_list=["common"]))
        factory.comment(author, slug)
    twelve = statements(slug)

    assert one == twelve  # whatever the page holds
    live, cached = one
    assert cached == live - spared
