"""Who sees what a moderator hid, and what a suspended user wrote, on every surface.

A hidden article or comment, and everything by a suspended user, is gone for everyone but its
author and the staff: from the single article, comment list and profile (404 / absent), and from
every list (home, tag, author, favorites, feeds, search, related, tags, Atom/RSS, sitemap) even
for its author and the staff. Each test first reads every surface as the reader (and as an
anonymous reader, which fills the caches), then acts, then reads them again at once.
"""

import os
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from myapp import create_app
from myapp.articles import services as articles
from myapp.errors import NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.users import services as users
from myapp.users.models import User
from tests.api.test_queries import BUDGET as API_BUDGET
from tests.factories import Account, forget_everything_cached
from tests.moderation.conftest import acting
from tests.pages.conftest import PageClient, text
from tests.pages.test_queries import BUDGET as PAGE_BUDGET

SEARCH_WORD = "obsidianwing"  # in the moderated article only
LONE_TAG = "wyverns"  # on the moderated article only
SHARED_TAG = "dragons"


@dataclass
class World:
    author: Account  # wrote the article ``a`` and the comment ``comment_id`` on ``b``
    other: Account  # a reader who follows the author
    fan: Account  # favorited ``a``
    moderator: Account  # follows the author too
    writer: Account  # wrote ``b``, which "Read next" links to ``a``
    a: str
    b: str
    comment_id: int


@pytest.fixture
def world(app, factory, staff) -> World:
    writer, author = factory.user("writer"), factory.user("author")
    other, fan = factory.user("other"), factory.user("fan")
    b = factory.article(
        writer,
        title="Dragons in winter",
        description="Where dragons sleep",
        body="Dragons sleep through the winter in caves.",
        tag_list=[SHARED_TAG],
    )
    a = factory.article(
        author,
        title="Dragons of the north",
        description="A bestiary of dragons",
        body=f"The {SEARCH_WORD} dragons sleep in caves through the winter.",
        tag_list=[SHARED_TAG, LONE_TAG],
    )
    comment_id = factory.comment(author, b, "Mine sleep in caves too.")
    factory.favorite(fan, a)
    for reader in (other, staff.moderator):
        factory.follow(reader, author)
    return World(author, other, fan, staff.moderator, writer, a, b, comment_id)


class Reader:
    """One person reading: the API with their token, the pages with their session."""

    def __init__(self, name: str, account: Account | None, pages: PageClient) -> None:
        self.name = name
        self.account = account
        self.pages = pages

    def api(self, url: str) -> Any:
        return self.pages.client.get(url, headers=self.account.headers if self.account else {})

    def page(self, url: str) -> Any:
        return self.pages.get(url)


@pytest.fixture
def reader_named(app, world: World):
    def make(name: str) -> Reader:
        pages = PageClient(app.test_client())
        account = {"anonymous": None, "other": world.other, "author": world.author}.get(
            name, world.moderator
        )
        if account is not None:
            pages.login(account)
        return Reader(name, account, pages)

    return make


# --- what a reader sees of the moderated things -------------------------------------------------


def links_to(body: str, slug: str) -> bool:
    return re.search(rf"/article/{re.escape(slug)}(?![\w-])", body) is not None


def in_list(response: Any, slug: str) -> bool:
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    slugs = [article["slug"] for article in data["articles"]]
    assert data["articlesCount"] == len(slugs)  # the total agrees with the page
    return slug in slugs


def on_page(response: Any, slug: str) -> bool:
    """Whether a page links to the article (a profile that is gone links to nothing)."""
    assert response.status_code in (200, 404)
    return response.status_code == 200 and links_to(text(response), slug)


def found(response: Any) -> bool:
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def popular(body: str) -> list[str]:
    sidebar = body.split('aria-labelledby="popular-tags"', 1)[1]
    return re.findall(r'class="tag-pill"[^>]*>([^<]+)<', sidebar)


def follows_author(r: Reader) -> bool:
    return r.name in ("other", "moderator")


# Each surface: (reader, world) -> whether the reader sees the moderated thing there, or None
# where the surface means nothing for that reader.
LISTS = {
    "api: articles": lambda r, w: in_list(r.api("/api/articles?limit=100"), w.a),
    "api: tag": lambda r, w: in_list(r.api(f"/api/articles?tag={SHARED_TAG}"), w.a),
    "api: author": lambda r, w: in_list(r.api(f"/api/articles?author={w.author.username}"), w.a),
    "api: favorited": lambda r, w: in_list(r.api(f"/api/articles?favorited={w.fan.username}"), w.a),
    "api: feed": lambda r, w: (
        in_list(r.api("/api/articles/feed"), w.a) if follows_author(r) else None
    ),
    "api: search": lambda r, w: in_list(r.api(f"/api/articles?q={SEARCH_WORD}"), w.a),
    "api: related": lambda r, w: in_list(r.api(f"/api/articles/{w.b}/related"), w.a),
    "api: tags": lambda r, w: LONE_TAG in r.api("/api/tags").json["tags"],
    "page: home": lambda r, w: on_page(r.page("/"), w.a),
    "page: tag": lambda r, w: on_page(r.page(f"/?tag={SHARED_TAG}"), w.a),
    "page: your feed": lambda r, w: (
        on_page(r.page("/?tab=yours"), w.a) if follows_author(r) else None
    ),
    "page: profile's articles": lambda r, w: on_page(r.page(f"/profile/{w.author.username}"), w.a),
    "page: favorites": lambda r, w: on_page(r.page(f"/profile/{w.fan.username}/favorites"), w.a),
    "page: search": lambda r, w: on_page(r.page(f"/search?q={SEARCH_WORD}"), w.a),
    "page: read next": lambda r, w: on_page(r.page(f"/article/{w.b}"), w.a),
    "page: popular tags": lambda r, w: LONE_TAG in popular(text(r.page("/"))),
    # Feeds and sitemaps are the same for everyone: read anonymously.
    "atom": lambda r, w: links_to(text(r.page("/feed.atom")), w.a) if not r.account else None,
    "rss": lambda r, w: links_to(text(r.page("/feed.rss")), w.a) if not r.account else None,
    "tag atom": lambda r, w: (
        links_to(text(r.page(f"/tag/{SHARED_TAG}/feed.atom")), w.a) if not r.account else None
    ),
    "author atom": lambda r, w: (
        on_page(r.page(f"/profile/{w.author.username}/feed.atom"), w.a) if not r.account else None
    ),
    "sitemap": lambda r, w: links_to(text(r.page("/sitemap.xml")), w.a) if not r.account else None,
}
ITSELF = {
    "api: article": lambda r, w: found(r.api(f"/api/articles/{w.a}")),
    "api: its comments": lambda r, w: found(r.api(f"/api/articles/{w.a}/comments")),
    "page: article": lambda r, w: found(r.page(f"/article/{w.a}")),
}
COMMENT = {
    "api: comments": lambda r, w: (
        w.comment_id in [c["id"] for c in r.api(f"/api/articles/{w.b}/comments").json["comments"]]
    ),
    "page: comments": lambda r, w: (
        f'id="comment-{w.comment_id}"' in text(r.page(f"/article/{w.b}"))
    ),
}
PROFILE = {
    "api: profile": lambda r, w: found(r.api(f"/api/profiles/{w.author.username}")),
    "page: profile": lambda r, w: found(r.page(f"/profile/{w.author.username}")),
}
SURFACES = {"lists": LISTS, "itself": ITSELF, "comment": COMMENT, "profile": PROFILE}


def hide_article(staff, w: World) -> None:
    staff.hide_article(w.a, "Spam links")


def hide_comment(staff, w: World) -> None:
    staff.hide_comment(w.comment_id, "Rude")


def suspend_author(staff, w: World) -> None:
    staff.suspend(w.author, "Spamming")


CASES = {
    "hidden article": hide_article,
    "hidden comment": hide_comment,
    "suspended author": suspend_author,
}


def expected(case: str, group: str, reader: str) -> bool:
    """Whether ``reader`` still sees the moderated thing on a surface of ``group``."""
    own_or_staff = reader in ("author", "moderator")
    return {
        "hidden article": {
            "lists": False,
            "itself": own_or_staff,
            "comment": True,
            "profile": True,
        },
        "hidden comment": {"lists": True, "itself": True, "comment": own_or_staff, "profile": True},
        "suspended author": {
            "lists": False,
            "itself": reader == "moderator",
            "comment": reader == "moderator",
            "profile": reader == "moderator",
        },
    }[case][group]


def seen(reader: Reader, w: World) -> dict[str, bool]:
    result = {}
    for group, surfaces in SURFACES.items():
        for name, surface in surfaces.items():
            value = surface(reader, w)
            if value is not None:
                result[f"{group} / {name}"] = value
    return result


# A suspended author cannot sign in (test_suspension.py): what they see of their own writing
# is tested through the services below.
READINGS = [
    (case, reader)
    for case in CASES
    for reader in ("anonymous", "other", "author", "moderator")
    if (case, reader) != ("suspended author", "author")
]


@pytest.mark.parametrize(("case", "reader"), READINGS)
def test_every_surface_shows_the_moderated_thing_to_whom_it_should(
    world, staff, reader_named, case, reader
):
    anonymous, person = reader_named("anonymous"), reader_named(reader)
    for before in (seen(anonymous, world), seen(person, world)):  # the caches are warm now
        assert all(before.values()), [name for name, value in before.items() if not value]

    CASES[case](staff, world)

    after = seen(person, world)
    wanted = {name: expected(case, name.split(" / ")[0], reader) for name in after}
    wrong = {name: after[name] for name in after if after[name] != wanted[name]}
    assert not wrong, f"{reader} sees (True) or misses (False), wrongly: {wrong}"


def test_a_suspended_author_still_sees_their_own_writing(app, world, staff):
    """Through the services, as their session would once it works again: their profile, their
    article and their comment (the lists stay without them)."""
    staff.suspend(world.author, "Spamming")
    with acting(app, world.author) as author:
        assert users.get_profile(world.author.username, author).username == world.author.username
        assert articles.get_article(world.a, author).slug == world.a
        ids = [c.id for c in articles.list_comments(world.b, author)]
        assert world.comment_id in ids
        assert world.a not in {a.slug for a in articles.list_articles(author, limit=100).articles}
    with app.app_context(), pytest.raises(NotFound):
        users.get_profile(world.author.username, None)


# --- how the author and the staff see what is hidden ------------------------------------------


def test_the_author_and_staff_see_a_hidden_article_marked_with_the_reason(
    world, staff, reader_named
):
    anonymous = reader_named("anonymous")
    assert anonymous.api(f"/api/articles/{world.a}").json["article"]["hiddenAt"] is None
    staff.hide_article(world.a, "Spam <links>")
    for name, whom in (("author", "you"), ("moderator", "its author")):
        reader = reader_named(name)
        article = reader.api(f"/api/articles/{world.a}").json["article"]
        assert article["hiddenAt"] is not None and article["hiddenReason"] == "Spam <links>"
        page = " ".join(text(reader.page(f"/article/{world.a}")).split())
        assert "This article is hidden by a moderator" in page
        assert f"only {whom} and the staff can see it." in page
        assert "The reason given: Spam &lt;links&gt;" in page
        assert '<meta name="robots" content="noindex">' in page


def test_the_author_and_staff_see_a_hidden_comment_marked_with_the_reason(
    world, staff, reader_named
):
    staff.hide_comment(world.comment_id, "Rude")
    for name in ("author", "moderator"):
        reader = reader_named(name)
        [comment] = [
            c
            for c in reader.api(f"/api/articles/{world.b}/comments").json["comments"]
            if c["id"] == world.comment_id
        ]
        assert comment["hiddenAt"] is not None and comment["hiddenReason"] == "Rude"
        page = " ".join(text(reader.page(f"/article/{world.b}")).split())
        assert "This comment is hidden by a moderator" in page
        assert "The reason given: Rude" in page
        assert "Comments <span" in page and "(1)" in page
    anonymous = reader_named("anonymous")
    assert "Comments <span" in text(anonymous.page(f"/article/{world.b}"))
    assert "(0)" in text(anonymous.page(f"/article/{world.b}"))


def test_a_suspended_readers_favorites_are_gone_with_their_profile(world, staff, reader_named):
    """The profile's favorites tab is 404 for a suspended user; the API's ``favorited`` list
    of the same user must not show what the page hides."""
    anonymous = reader_named("anonymous")
    favorited = f"/api/articles?favorited={world.fan.username}"
    assert in_list(anonymous.api(favorited), world.a)
    staff.suspend(world.fan, "Spamming")
    assert anonymous.page(f"/profile/{world.fan.username}/favorites").status_code == 404
    assert anonymous.api(f"/api/profiles/{world.fan.username}").status_code == 404
    assert not in_list(anonymous.api(favorited), world.a)


# --- what it undoes, and what it stops --------------------------------------------------------


def anonymous_view(reader: Reader, w: World) -> dict[str, bool]:
    return {
        "list": in_list(reader.api("/api/articles"), w.a),
        "article": found(reader.api(f"/api/articles/{w.a}")),
        "tags": LONE_TAG in reader.api("/api/tags").json["tags"],
        "search": in_list(reader.api(f"/api/articles?q={SEARCH_WORD}"), w.a),
        "atom": links_to(text(reader.page("/feed.atom")), w.a),
        "comment": f'id="comment-{w.comment_id}"' in text(reader.page(f"/article/{w.b}")),
    }


def test_unhiding_brings_the_article_back_at_once(world, staff, reader_named):
    anonymous = reader_named("anonymous")
    staff.hide_article(world.a)
    hidden = anonymous_view(anonymous, world)  # cached so
    assert not any(hidden[k] for k in ("list", "article", "tags", "search", "atom"))
    staff.unhide_article(world.a)
    assert all(anonymous_view(anonymous, world).values())


@pytest.mark.parametrize("how", ["unsuspended", "expired and lifted"])
def test_lifting_a_suspension_brings_everything_back_at_once(app, world, staff, reader_named, how):
    anonymous = reader_named("anonymous")
    staff.suspend(world.author, "Spamming", utcnow() + timedelta(days=30))
    assert not any(anonymous_view(anonymous, world).values())  # cached so
    if how == "unsuspended":
        staff.unsuspend(world.author)
    else:
        with app.app_context():
            db.session.execute(
                update(User).where(User.id == world.author.id).values(suspended_until=utcnow())
            )
            db.session.commit()
            assert moderation.lift_expired_suspensions() == [world.author.username]
    assert all(anonymous_view(anonymous, world).values())
    assert found(anonymous.api(f"/api/profiles/{world.author.username}"))


def test_an_old_link_does_not_lead_to_a_hidden_article(app, world, staff, reader_named):
    anonymous = reader_named("anonymous")
    response = anonymous.api(f"/api/articles/{world.a}")
    assert response.status_code == 200
    moved = world.author.headers
    renamed = anonymous.pages.client.put(
        f"/api/articles/{world.a}", json={"article": {"title": "Renamed beasts"}}, headers=moved
    )
    new_slug = renamed.json["article"]["slug"]
    assert anonymous.page(f"/article/{world.a}").status_code == 301
    staff.hide_article(new_slug)
    assert anonymous.page(f"/article/{world.a}").status_code == 404
    author = reader_named("author").page(f"/article/{world.a}")
    assert author.status_code == 301 and author.headers["Location"].endswith(new_slug)


def test_nobody_else_can_comment_on_favorite_or_follow_what_is_gone(
    app, world, staff, reader_named
):
    staff.hide_article(world.a)
    other = reader_named("other").pages.client
    headers = world.other.headers
    comment = other.post(
        f"/api/articles/{world.a}/comments", json={"comment": {"body": "Hi"}}, headers=headers
    )
    assert comment.status_code == 404
    assert other.post(f"/api/articles/{world.a}/favorite", headers=headers).status_code == 404
    own = other.post(
        f"/api/articles/{world.a}/comments",
        json={"comment": {"body": "Why?"}},
        headers=world.author.headers,
    )
    assert own.status_code == 200  # the author still can, on their own article
    staff.suspend(world.writer, "Spamming")
    follow = other.post(f"/api/profiles/{world.writer.username}/follow", headers=headers)
    assert follow.status_code == 404


# --- every process forgets at once ------------------------------------------------------------


def test_hiding_is_seen_at_once_by_another_instance(database_url, world):
    """The reader's instance cached the article; the hiding happens in another (an admin's
    shell, a worker): the reader's instance must not serve its copy."""
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "CACHE_KEY_PREFIX": f"conduit-test-{uuid.uuid4().hex}:",
    }
    reading, acting_app = create_app(settings), create_app(settings)
    reader = Reader("anonymous", None, PageClient(reading.test_client()))
    assert all(anonymous_view(reader, world).values())
    with acting_app.app_context():
        moderator = db.session.get(User, world.moderator.id)
        moderation.hide_article(moderator, world.a, "Spam")
        moderation.hide_comment(moderator, world.comment_id, "Rude")
        db.session.remove()
    assert not any(anonymous_view(reader, world).values())


# --- the query budget holds with moderated content around ------------------------------------


@pytest.fixture
def crowded(app, factory, staff, no_worker):
    """tests/api/test_queries.py's world, plus a hidden article and comment, and a suspended
    author with an article and a comment, all favorited, followed and tagged like the rest;
    read by the reader or by a moderator who follows the same people."""

    def build(size: int):
        reader = factory.user("reader")
        authors = [factory.user() for _ in range(3)]
        moderator = staff.moderator
        slug = None
        for i in range(size):
            author = authors[i % 3]
            slug = factory.article(author, tag_list=["common", f"tag{i}"])
            factory.favorite(reader, slug)
            factory.comment(author, slug)
            factory.comment(reader, slug)
        outcast = factory.user("outcast")
        hidden = factory.article(authors[0], tag_list=["common"])
        banned = factory.article(outcast, tag_list=["common"])
        for fan in (reader, moderator):
            factory.favorite(fan, hidden)
            factory.favorite(fan, banned)
            for author in (*authors, outcast):
                factory.follow(fan, author)
        factory.comment(outcast, slug)
        staff.hide_comment(factory.comment(authors[1], slug))
        staff.hide_article(hidden)
        staff.suspend(outcast)
        return {"reader": reader, "moderator": moderator}, authors[0], slug

    return build


# Staff see comments others do not, so theirs are found with their flags in one statement, where
# a reader's come from the article listed under the slug, its shown comments and their own flags.
STAFF_BUDGET = {"/api/articles/{slug}/comments": 3}


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize("viewer", ["anonymous", "reader", "moderator"])
def test_reads_keep_their_query_budget(app, crowded, count_queries, viewer, size):
    """Every read of tests/api/test_queries.py and tests/pages/test_queries.py, each from a
    cold cache as there, in one world."""
    viewers, author, slug = crowded(size)
    pages = PageClient(app.test_client())
    account = viewers.get(viewer)
    if account is not None:
        pages.login(account)
    counts = {}
    for path, signed_in, budget in API_BUDGET + PAGE_BUDGET:
        if signed_in != (account is not None):
            continue
        if viewer == "moderator":
            budget = STAFF_BUDGET.get(path, budget)
        url = path.format(author=author.username, slug=slug)
        forget_everything_cached(app)
        with count_queries() as queries:
            if url.startswith("/api/"):
                response = pages.client.get(url, headers=account.headers if account else {})
            else:
                response = pages.get(url)
        assert response.status_code == 200, url
        counts[url] = (queries.count, budget, queries.statements)
    over = {url: counted for url, counted in counts.items() if counted[0] != counted[1]}
    assert not over, over
