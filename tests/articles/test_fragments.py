"""Signed-in reads made of cached per-article fragments (myapp/articles/fragments.py): each
reader gets their own flags over the same cached JSON, byte for byte what dumping the full rows
for them gives; every kind of write is seen on the next signed-in read, by every app instance
sharing the database (and Redis, or the instance folder); the statements stay few."""

import logging
import os
import re
import uuid
from datetime import timedelta

import pytest
from flask import Flask

from myapp import create_app
from myapp.api.schemas import article_body, articles_body, comments_body, profile_body
from myapp.articles import services as articles
from myapp.errors import NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.users import services as users
from tests.factories import Account, Factory

REDIS_URL = os.environ.get("REDIS_URL")
# Reads of content, not of the viewer nor of their flags (viewer_flags.RELATIONS, "... AS kind").
CONTENT = re.compile(r"^(?!.*\bAS kind\b).*FROM (articles|comments)\b", re.DOTALL)


@pytest.fixture(params=["one instance", "two instances"])
def apps(request, app, database_url) -> tuple[Flask, Flask]:
    """(reader, writer) apps: the same one, or two sharing the database and Redis (or, without
    Redis, each with its own in-process cache and the instance folder's content version)."""
    if request.param == "one instance":
        return app, app
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"conduit-test-{uuid.uuid4().hex}:",
    }
    return create_app(settings), create_app(settings)


def expected(app: Flask, reader: Account, what: str, slug: str) -> tuple[int, bytes]:
    """What ``reader`` must get for ``what`` ("list", "feed", "article", "comments", "profile":
    the author's): the JSON dumped from the full rows read for them (no fragment, no cache), as
    the API answered before fragments."""
    with app.test_request_context():
        viewer = users.get_user(reader.id)
        try:
            if what == "list":
                body = articles_body(articles.list_articles(viewer))
            elif what == "feed":
                body = articles_body(articles.feed(viewer))
            elif what == "comments":
                body = comments_body(articles.list_comments(slug, viewer))
            elif what == "profile":
                body = profile_body(users.get_profile("author", viewer))
            else:
                body = article_body(articles.get_article(slug, viewer))
        except NotFound:
            return 404, b""
        return 200, app.json.dumps(body).encode()


PATHS = {
    "list": "/api/articles",
    "feed": "/api/articles/feed",
    "article": "/api/articles/{}",
    "comments": "/api/articles/{}/comments",
    "profile": "/api/profiles/author",
}


def read(app: Flask, reader: Account, slug: str) -> dict[str, tuple[int, bytes]]:
    """What ``reader`` gets through each signed-in read (the body only when 200)."""
    client = app.test_client()
    seen = {}
    for what, path in PATHS.items():
        response = client.get(path.format(slug), headers=reader.headers)
        seen[what] = (response.status_code, response.data if response.status_code == 200 else b"")
    return seen


def truth(app: Flask, reader: Account, slug: str) -> dict[str, tuple[int, bytes]]:
    return {what: expected(app, reader, what, slug) for what in PATHS}


class World:
    """An author followed by the reader, who favorited one of the author's two articles,
    which a fan favorited too and both commented; a scheduled article waiting for the worker;
    a moderator."""

    def __init__(self, app: Flask) -> None:
        factory = Factory(app)
        self.app = app
        self.author, self.reader = factory.user("author"), factory.user("reader")
        self.fan, self.other = factory.user("fan"), factory.user("other")
        self.slug = factory.article(self.author, title="Watched", tag_list=["b", "a"])
        factory.article(self.author, title="Other")
        factory.favorite(self.reader, self.slug)
        factory.favorite(self.fan, self.slug)
        factory.follow(self.reader, self.author)
        factory.comment(self.author, self.slug, "Thanks for reading")
        self.comment = factory.comment(self.fan, self.slug, "Loved it")
        client = app.test_client()
        later = (utcnow() + timedelta(hours=1)).isoformat()
        scheduled = {"title": "Later", "description": "d", "body": "b", "publishAt": later}
        response = client.post(
            "/api/articles", json={"article": scheduled}, headers=self.author.headers
        )
        assert response.json["article"]["status"] == "scheduled"
        with app.app_context():
            moderation.set_role(None, "other", "moderator")


def edit(app: Flask, w: World) -> None:
    change = {"article": {"title": "Watched closely", "body": "New *body*"}}
    app.test_client().put(f"/api/articles/{w.slug}", json=change, headers=w.author.headers)
    w.slug = "watched-closely"


def retag(app: Flask, w: World) -> None:
    change = {"article": {"tagList": ["c"]}}
    app.test_client().put(f"/api/articles/{w.slug}", json=change, headers=w.author.headers)


def favorite(app: Flask, w: World) -> None:
    app.test_client().post(f"/api/articles/{w.slug}/favorite", headers=w.other.headers)


def unfavorite(app: Flask, w: World) -> None:
    app.test_client().delete(f"/api/articles/{w.slug}/favorite", headers=w.fan.headers)


def follow(app: Flask, w: World) -> None:
    app.test_client().post("/api/profiles/author/follow", headers=w.fan.headers)


def unfollow(app: Flask, w: World) -> None:
    app.test_client().delete("/api/profiles/author/follow", headers=w.reader.headers)


def rename_author(app: Flask, w: World) -> None:
    change = {"user": {"username": "renamed"}}
    app.test_client().put("/api/user", json=change, headers=w.author.headers)


def new_bio_and_image(app: Flask, w: World) -> None:
    change = {"user": {"bio": "New bio", "image": "https://example.com/new.png"}}
    app.test_client().put("/api/user", json=change, headers=w.author.headers)


def hide(app: Flask, w: World) -> None:
    with app.app_context():
        moderation.hide_article(users.get_user(w.other.id), w.slug, "Spam links")


def suspend_author(app: Flask, w: World) -> None:
    with app.app_context():
        moderation.suspend(None, "author", "Spamming", None)


def edit_comment(app: Flask, w: World) -> None:
    url = f"/api/articles/{w.slug}/comments/{w.comment}"
    app.test_client().put(url, json={"comment": {"body": "Edited"}}, headers=w.fan.headers)


def hide_comment(app: Flask, w: World) -> None:
    with app.app_context():
        moderation.hide_comment(users.get_user(w.other.id), w.comment, "Rude")


def delete_comment(app: Flask, w: World) -> None:
    url = f"/api/articles/{w.slug}/comments/{w.comment}"
    app.test_client().delete(url, headers=w.fan.headers)


def rename_commenter(app: Flask, w: World) -> None:
    change = {"user": {"username": "fan-renamed"}}
    app.test_client().put("/api/user", json=change, headers=w.fan.headers)


def delete(app: Flask, w: World) -> None:
    app.test_client().delete(f"/api/articles/{w.slug}", headers=w.author.headers)


def publish_scheduled(app: Flask, w: World) -> None:
    """The worker's tick (tasks.publish_due_articles runs this service), an hour later."""
    with app.app_context():
        assert len(articles.publish_due(utcnow() + timedelta(hours=2))) == 1


WRITES = [
    edit,
    retag,
    favorite,
    unfavorite,
    follow,
    unfollow,
    rename_author,
    new_bio_and_image,
    hide,
    suspend_author,
    delete,
    publish_scheduled,
    edit_comment,
    hide_comment,
    delete_comment,
    rename_commenter,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_every_write_is_seen_on_the_next_signed_in_read(apps, write, monkeypatch):
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)
    reader_app, writer_app = apps
    w = World(reader_app)
    slug = w.slug
    before = read(reader_app, w.reader, slug)
    assert before == truth(reader_app, w.reader, slug)
    assert read(reader_app, w.reader, slug) == before  # again, from the fragments
    read(writer_app, w.reader, slug)  # the writer's instance has them cached too
    others = (w.fan, w.other)  # a favoriter and commenter, and a moderator: their own flags
    for who in others:
        read(reader_app, who, slug)

    write(writer_app, w)

    after = read(reader_app, w.reader, w.slug)
    assert after != before
    assert after == truth(reader_app, w.reader, w.slug)
    assert read(writer_app, w.reader, w.slug) == after  # both instances agree
    for who in others:
        assert read(reader_app, who, w.slug) == truth(reader_app, who, w.slug), who.username


def test_two_readers_get_their_own_flags_over_the_same_fragments(client, factory, count_queries):
    author, fan, stranger = factory.user(), factory.user(), factory.user()
    slugs = [factory.article(author, tag_list=["t"]) for _ in range(3)]
    factory.favorite(fan, slugs[1])
    factory.follow(fan, author)
    client.get("/api/articles", headers=fan.headers)  # caches the fragments
    client.get(f"/api/articles/{slugs[1]}", headers=fan.headers)

    with count_queries() as queries:
        theirs = client.get("/api/articles", headers=stranger.headers)
        one = client.get(f"/api/articles/{slugs[1]}", headers=stranger.headers)
    assert not [s for s in queries.statements if "articles.title" in s]  # no article re-read
    mine = client.get("/api/articles", headers=fan.headers)

    favorited = {a["slug"]: a["favorited"] for a in mine.json["articles"]}
    assert favorited == {slugs[0]: False, slugs[1]: True, slugs[2]: False}
    assert {a["author"]["following"] for a in mine.json["articles"]} == {True}
    assert not any(a["favorited"] or a["author"]["following"] for a in theirs.json["articles"])
    assert (one.json["article"]["favorited"], one.json["article"]["author"]["following"]) == (
        False,
        False,
    )
    assert all(a["favoritesCount"] == (a["slug"] == slugs[1]) for a in theirs.json["articles"])
    app = client.application
    assert (theirs.status_code, theirs.data) == expected(app, stranger, "list", "")
    assert (mine.status_code, mine.data) == expected(app, fan, "list", "")


def test_filters_and_pages_are_the_json_of_the_full_rows(client, factory):
    author, reader = factory.user("author"), factory.user("reader")
    slugs = [factory.article(author, tag_list=["even" if i % 2 else "odd"]) for i in range(5)]
    factory.favorite(reader, slugs[0])
    factory.follow(reader, author)
    client.get("/api/articles?limit=2&offset=1", headers=reader.headers)  # some cached
    with client.application.test_request_context():
        viewer = users.get_user(reader.id)
        cases = {
            "/api/articles?tag=even": articles.list_articles(viewer, tag="even"),
            "/api/articles?author=author&limit=2": articles.list_articles(
                viewer, author="author", limit=2
            ),
            "/api/articles?favorited=reader": articles.list_articles(viewer, favorited="reader"),
            "/api/articles?limit=3&offset=1": articles.list_articles(viewer, limit=3, offset=1),
            "/api/articles?offset=10": articles.list_articles(viewer, offset=10),
            "/api/articles/feed?limit=2&offset=2": articles.feed(viewer, limit=2, offset=2),
        }
        wanted = {url: client.application.json.dumps(articles_body(p)) for url, p in cases.items()}
    for url, body in wanted.items():
        assert client.get(url, headers=reader.headers).data == body.encode(), url


@pytest.mark.parametrize("who", ["author", "staff"])
def test_articles_without_a_fragment_take_the_full_path(client, factory, who, count_queries):
    """A draft its author reads, a hidden article staff read: not the same for every reader,
    so never from (nor into) the fragments."""
    author, moderator = factory.user("author"), factory.user("moderator")
    app = client.application
    with app.app_context():
        moderation.set_role(None, "moderator", "moderator")
    if who == "author":
        draft = {"title": "Mine", "description": "d", "body": "b", "status": "draft"}
        client.post("/api/articles", json={"article": draft}, headers=author.headers)
        slug, reader = "mine", author
    else:
        slug, reader = factory.article(author, title="Spam"), moderator
        with app.app_context():
            moderation.hide_article(users.get_user(moderator.id), slug, "Spam links")
    for _ in range(2):
        response = client.get(f"/api/articles/{slug}", headers=reader.headers)
        assert (response.status_code, response.data) == expected(app, reader, "article", slug)
    assert client.get(f"/api/articles/{slug}", headers=factory.user().headers).status_code == 404
    with count_queries() as queries:
        client.get(f"/api/articles/{slug}", headers=reader.headers)
    reads = [s for s in queries.statements if CONTENT.search(s)]
    assert len(reads) == 1  # the full article: "is one listed under the slug?" is cached (no)


def test_hidden_comments_are_seen_by_their_author_and_staff_alone(client, factory):
    """A hidden comment's fragment is served only to whom the comments statement lets see it."""
    w = World(client.application)
    with client.application.app_context():
        moderation.hide_comment(users.get_user(w.other.id), w.comment, "Rude")
    for _ in range(2):  # then from the fragments
        for reader in (w.reader, w.fan, w.other):
            seen = read(client.application, reader, w.slug)["comments"]
            assert seen == expected(client.application, reader, "comments", w.slug)
    bodies = {
        reader: [c["body"] for c in client.get(url, headers=reader.headers).json["comments"]]
        for reader in (w.reader, w.fan, w.other)
        for url in [f"/api/articles/{w.slug}/comments"]
    }
    assert bodies == {
        w.reader: ["Thanks for reading"],
        w.fan: ["Thanks for reading", "Loved it"],
        w.other: ["Thanks for reading", "Loved it"],
    }


@pytest.mark.parametrize("size", [1, 12])
def test_statements_stay_few_whatever_the_page_size(client, factory, count_queries, size):
    """Reading articles (the viewer and their flags aside): the total, the page's ids, the
    missing fragments; then nothing, all three cached (a feed's total and ids for its reader).
    One article: which one is listed under the slug, and its fragment; then nothing. Its
    comments (the article under the slug cached already): their ids, the missing fragments;
    then nothing."""
    author, reader = factory.user(), factory.user()
    slug = None
    for i in range(size):
        slug = factory.article(author, tag_list=["t", f"t{i}"])
        factory.favorite(reader, slug)
        factory.comment(author, slug)
    for _ in range(size):
        factory.comment(reader, slug)
    factory.follow(reader, author)
    reads = {
        "/api/articles?limit=100": (3, 0),
        "/api/articles?tag=t&limit=100": (2, 0),  # the same fragments as the list's
        "/api/articles/feed?limit=100": (2, 0),
        f"/api/articles/{slug}": (2, 0),
        f"/api/articles/{slug}/comments": (2, 0),  # their ids, the fragments
    }
    for url, counts in reads.items():
        seen = []
        for _ in range(2):
            with count_queries() as queries:
                response = client.get(url, headers=reader.headers)
            assert response.status_code == 200
            seen.append(len([s for s in queries.statements if CONTENT.search(s)]))
        assert tuple(seen) == counts, url


def test_a_cache_that_fails_still_gives_each_reader_the_truth(app, database_url, caplog):
    w = World(app)
    broken = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    )
    with caplog.at_level(logging.WARNING, logger="myapp.caching"):
        for _ in range(2):
            assert read(broken, w.reader, w.slug) == truth(app, w.reader, w.slug)
            assert read(broken, w.fan, w.slug) == truth(app, w.fan, w.slug)


def test_fragments_are_the_json_nobody_in_particular_sees(ctx, factory):
    """The cached value itself: flags off, the tags sorted, no body in a list item."""
    from myapp.articles import fragments

    author, reader = factory.user(), factory.user()
    slug = factory.article(author, tag_list=["b", "a"], body="Body")
    factory.favorite(reader, slug)
    factory.follow(reader, author)
    article_id = articles.article_ref(slug, None).id
    item = fragments.fragments(fragments.LIST_ITEM, [article_id])[article_id]
    whole = fragments.fragments(fragments.ARTICLE, [article_id])[article_id]
    assert (item["favorited"], item["author"]["following"], item["tagList"]) == (
        False,
        False,
        ["a", "b"],
    )
    assert "body" not in item
    assert whole["body"] == "Body"
    assert fragments.fragments(fragments.LIST_ITEM, [article_id]) == {article_id: item}  # cached
    db.session.remove()
