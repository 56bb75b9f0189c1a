"""Caching is correct first: every kind of write, from any surface or none, is seen at once by
every reader, including another app instance or process sharing the database (and Redis, or the
instance folder), and a failing cache fails no request."""

import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import select, update

from myapp import caching, create_app
from myapp.articles.models import Article
from myapp.config import Config
from myapp.extensions import cache, db
from myapp.users import services as users
from myapp.users.models import User
from tests.factories import Factory
from tests.pages.conftest import PageClient
from tests.servers import free_port, wait_for_port
from tests.test_response_cache import flask_requests

REDIS_URL = os.environ.get("REDIS_URL")
ROOT = Path(__file__).resolve().parent.parent


LEASE = Config.CACHE_VERSION_LEASE_SECONDS


@pytest.fixture(params=["one instance", "two instances"])
def instances(request, app, database_url):
    """(reader, writer) clients: the same app, or two apps sharing the database and Redis (or,
    without Redis, each with its own in-process cache and the instance folder's version), with
    production's version lease."""
    if request.param == "one instance":
        return app.test_client(), app.test_client()
    settings = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": f"conduit-test-{uuid.uuid4().hex}:",
        "CACHE_VERSION_LEASE_SECONDS": LEASE,  # as in production
    }
    one, two = create_app(settings), create_app(settings)
    assert one.config["CACHE_TYPE"] == ("RedisCache" if REDIS_URL else "myapp.caching.MemoryCache")
    return one.test_client(), two.test_client()


def snapshot(client, slug):
    """What an anonymous reader sees through every cached read: the API's, and the pages the
    response cache keeps (myapp/response_cache.py)."""
    listing = client.get("/api/articles").json
    article = client.get(f"/api/articles/{slug}")
    pages = [client.get(path) for path in ("/", f"/article/{slug}", "/profile/author")]
    return {
        "list": listing,
        "article": article.json if article.status_code == 200 else article.status_code,
        "tags": client.get("/api/tags").json["tags"],
        "profile": client.get("/api/profiles/author").status_code,
        "pages": [page.text if page.status_code == 200 else page.status_code for page in pages],
    }


WRITES = {
    "create article": lambda w, a, slug: w.post(
        "/api/articles",
        json={"article": {"title": "Brand new", "description": "d", "body": "b", "tagList": ["n"]}},
        headers=a.headers,
    ),
    "update article": lambda w, a, slug: w.put(
        f"/api/articles/{slug}", json={"article": {"body": "Changed body"}}, headers=a.headers
    ),
    "retag article": lambda w, a, slug: w.put(
        f"/api/articles/{slug}", json={"article": {"tagList": ["other"]}}, headers=a.headers
    ),
    "delete article": lambda w, a, slug: w.delete(f"/api/articles/{slug}", headers=a.headers),
    "favorite": lambda w, a, slug: w.post(f"/api/articles/{slug}/favorite", headers=a.headers),
    "rename author": lambda w, a, slug: w.put(
        "/api/user", json={"user": {"username": "renamed", "bio": "new bio"}}, headers=a.headers
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_is_seen_by_every_reader(app, instances, write):
    reader, writer = instances
    author = Factory(app).user("author")
    slug = Factory(app).article(author, tag_list=["cached"])

    before = snapshot(reader, slug)
    with flask_requests(reader.application) as seen:
        assert snapshot(reader, slug) == before  # served again, from the cache...
    assert seen == []  # ... before Flask: every one from the response cache
    response = WRITES[write](writer, author, slug)
    assert response.status_code < 300, response.json
    after = snapshot(reader, slug)
    assert after != before
    assert after == snapshot(writer, slug)  # both instances agree


def test_a_follow_is_seen_in_the_follower_counts(app, instances):
    reader, writer = instances
    factory = Factory(app)
    factory.user("author")
    fan = factory.user()
    assert reader.get("/api/profiles/author").json["profile"]["followersCount"] == 0
    assert "0 followers" in reader.get("/profile/author").text
    writer.post("/api/profiles/author/follow", headers=fan.headers)
    assert reader.get("/api/profiles/author").json["profile"]["followersCount"] == 1
    assert "1 follower" in reader.get("/profile/author").text


def test_unfavorite_is_seen(app, instances):
    reader, writer = instances
    factory = Factory(app)
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)
    factory.favorite(fan, slug)
    assert reader.get(f"/api/articles/{slug}").json["article"]["favoritesCount"] == 1
    writer.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)
    assert reader.get(f"/api/articles/{slug}").json["article"]["favoritesCount"] == 0


def test_a_signed_in_readers_flags_follow_their_writes_on_another_instance(app, instances):
    """A reader's own reads (the cached viewer, the cached fragments with their flags laid
    over) change with their favorite and follow made through another instance, and their token,
    revoked there, is refused here at once."""
    reader, writer = instances
    factory = Factory(app)
    author, fan = factory.user("author"), factory.user("fan")
    slug = factory.article(author)

    def mine():
        article = reader.get(f"/api/articles/{slug}", headers=fan.headers).json["article"]
        feed = reader.get("/api/articles/feed", headers=fan.headers).json["articlesCount"]
        return article["favorited"], article["author"]["following"], feed

    for _ in range(2):
        assert mine() == (False, False, 0)
    writer.post(f"/api/articles/{slug}/favorite", headers=fan.headers)
    writer.post("/api/profiles/author/follow", headers=fan.headers)
    assert mine() == (True, True, 1)
    with writer.application.app_context():
        users.sign_out_everywhere(db.session.get(User, fan.id))
    assert reader.get(f"/api/articles/{slug}", headers=fan.headers).status_code == 401


@pytest.mark.skipif(not REDIS_URL, reason="the shared cache is Redis: set REDIS_URL")
def test_with_redis_each_process_keeps_the_answers_it_served_until_a_write(app, instances):
    """A hit reads the content version from Redis and the answer from the process, so even an
    answer gone from Redis is served; a write from another instance still drops it."""
    reader, writer = instances
    factory = Factory(app)
    author = factory.user("author")
    slug = factory.article(author)
    path = f"/api/articles/{slug}"
    reader.get(path)
    first = reader.get(path)  # a hit from Redis, now kept in this process too
    layer = reader.application.extensions["response_cache"]
    for key in layer.backend._read_client.scan_iter(f"{layer.backend.key_prefix}response:*"):
        layer.backend._write_client.delete(key)
    with flask_requests(reader.application) as seen:
        assert reader.get(path).data == first.data
    assert seen == []
    writer.put(path, json={"article": {"body": "Changed"}}, headers=author.headers)
    assert reader.get(path).json["article"]["body"] == "Changed"


def test_cached_reads_skip_the_database(client, factory, count_queries):
    factory.article(factory.user(), tag_list=["t"])
    client.get("/api/articles")
    client.get("/api/tags")
    with count_queries() as queries:
        assert client.get("/api/articles").status_code == 200
        assert client.get("/api/tags").status_code == 200
    assert queries.count == 0


def test_signed_in_readers_are_never_served_from_the_cache(client, factory):
    author, reader = factory.user(), factory.user()
    slug = factory.article(author)
    client.get("/api/articles")  # cache the anonymous view
    assert client.get("/api/articles", headers=reader.headers).json["articlesCount"] == 1
    factory.favorite(reader, slug)
    factory.article(author)
    mine = client.get("/api/articles", headers=reader.headers).json
    assert mine["articles"][1]["favorited"] is True
    assert mine["articlesCount"] == 2  # the cached total moved on too


def test_unknown_articles_are_not_cached(client, factory):
    assert client.get("/api/articles/later").status_code == 404
    factory.article(factory.user(), title="Later")
    assert client.get("/api/articles/later").status_code == 200


def test_a_cache_that_fails_fails_no_request(app, database_url, factory, caplog):
    factory.article(factory.user(), tag_list=["t"])
    broken = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    )
    client = broken.test_client()
    with caplog.at_level(logging.WARNING, logger="myapp.caching"):
        for _ in range(3):
            assert client.get("/api/articles").json["articlesCount"] == 1
            assert client.get("/api/tags").json == {"tags": ["t"]}
            assert client.get("/").status_code == 200
    warnings = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(warnings) == 1


def test_writes_outside_any_service_invalidate(app, client, factory):
    """The shell, a CLI command or a worker writes with the ORM or a statement: the commit
    alone invalidates, with no service to remember it."""
    author = factory.user("author")
    slug = factory.article(author, title="Before")
    assert client.get(f"/api/articles/{slug}").json["article"]["title"] == "Before"
    assert client.get("/api/articles").json["articles"][0]["author"]["bio"] is None
    with app.app_context():
        db.session.scalar(select(Article).where(Article.slug == slug)).title = "After"
        db.session.commit()
    assert client.get(f"/api/articles/{slug}").json["article"]["title"] == "After"
    with app.app_context():
        db.session.execute(update(User).where(User.id == author.id).values(bio="Edited"))
        db.session.commit()
    assert client.get("/api/articles").json["articles"][0]["author"]["bio"] == "Edited"


def test_a_rolled_back_write_keeps_the_cache(app, client, factory, count_queries):
    slug = factory.article(factory.user())
    client.get("/api/articles")
    with app.app_context():
        db.session.scalar(select(Article).where(Article.slug == slug)).title = "Never"
        db.session.flush()
        db.session.rollback()
    with count_queries() as queries:
        assert client.get("/api/articles").json["articles"][0]["title"] != "Never"
    assert queries.count == 0


def test_plain_gunicorn_workers_never_serve_another_workers_stale_read(tmp_path, database_url):
    """``gunicorn -w 3 wsgi:app`` without our config or Redis, as people run it: after an
    article is renamed, its old slug answers 404 from every worker."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the embedded default is SQLite")
    env = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"}
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path}/plain.db", "RATELIMIT_ENABLED": "false"}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "3", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, up=True, seconds=30)
        base = f"http://127.0.0.1:{port}/api"

        def call(path, body=None, token=None, method=None):
            request = urllib.request.Request(
                base + path,
                data=None if body is None else json.dumps(body).encode(),
                headers={"Content-Type": "application/json"}
                | ({"Authorization": f"Token {token}"} if token else {}),
                method=method,
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                return error.code, None

        user = {"username": "plain", "email": "plain@example.com", "password": "plain-password"}
        token = call("/users", {"user": user})[1]["user"]["token"]
        article = {"title": "Old title", "description": "d", "body": "b"}
        call("/articles", {"article": article}, token)

        def at_once(path):  # side by side, so that every worker takes some
            with ThreadPoolExecutor(max_workers=24) as pool:
                return {status for status, _ in pool.map(lambda _: call(path), range(120))}

        assert at_once("/articles/old-title") == {200}  # cached under its old slug everywhere
        renamed = call("/articles/old-title", {"article": {"title": "New title"}}, token, "PUT")
        assert renamed[0] == 200
        assert at_once("/articles/old-title") == {404}
        assert at_once("/articles/new-title") == {200}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def test_a_request_reads_the_content_version_once(app, client, factory, monkeypatch):
    """A signed-in page reads the viewer, the lists and the fragments from the cache, each keyed
    by the content version: the request looks the version up (a Redis command, or a ``stat``)
    once, not once for each."""
    author, reader = factory.user("author"), factory.user("reader")
    for number in range(3):
        factory.article(author, title=f"Post {number}", tag_list=["t"])
    reads = []
    read_version = caching._read_version
    monkeypatch.setattr(caching, "_read_version", lambda: reads.append(1) or read_version())
    for path in ("/api/articles", "/api/articles/feed", "/api/articles/post-1"):
        reads.clear()
        assert client.get(path, headers=reader.headers).status_code == 200
        assert len(reads) == 1, path
    pages = PageClient(app.test_client())
    pages.login(reader)
    for path in ("/", "/article/post-1"):
        reads.clear()
        assert pages.get(path).status_code == 200
        assert len(reads) == 1, path


def test_a_request_sees_the_version_its_own_commit_made(app, factory):
    """A request that writes, then reads, reads under the version its commit made: never what
    was cached before its write."""
    slug = factory.article(factory.user(), title="Before")
    with app.test_request_context():
        before = caching.content_version()
        assert caching.content_version() == before  # kept for the request
        db.session.scalar(select(Article).where(Article.slug == slug)).title = "After"
        db.session.commit()
        after = caching.content_version()
        assert after != before
        assert caching.content_version() == after


def test_a_shared_value_is_read_once_in_the_process_until_a_commit(app, factory):
    """``cached(shared=True)`` hands every request of the process the object it read already:
    no second cache read, even when the cache lost it meanwhile; after a commit it is read
    again, under the new version."""
    slug = factory.article(factory.user(), title="Before")
    builds = []

    def title() -> str:
        builds.append(slug)
        return db.session.scalar(select(Article.title).where(Article.slug == slug))

    def forget_every_copy() -> None:
        cache.clear()
        if (nearby := app.extensions.get("nearby_copies")) is not None:
            nearby.clear()

    with app.test_request_context():
        first = caching.cached("title", title, slug, shared=True)
    with app.test_request_context():  # the next request
        assert caching.cached("title", title, slug, shared=True) is first
        forget_every_copy()
        assert caching.cached("title", title, slug, shared=True) is first == "Before"
        assert len(builds) == 1  # handed back: neither read nor built again
        assert caching.cached("title", title, slug) == "Before" and len(builds) == 2  # not shared
        db.session.scalar(select(Article).where(Article.slug == slug)).title = "After"
        db.session.commit()
        assert caching.cached("title", title, slug, shared=True) == "After"
        assert len(builds) == 3


def test_the_objects_the_process_keeps_are_bounded_by_their_size(app, monkeypatch):
    """A shared value over ``KEPT_LARGEST`` pickled is not kept (it is read from the cache each
    time, and not pickled again to be measured), and what is kept stays within
    ``KEPT_BYTES``."""
    big = "x" * (caching.KEPT_LARGEST + 1)
    with app.test_request_context():
        first = caching.cached("big", lambda: big, 1, shared=True)
    pickled = []
    dumps = pickle.dumps
    monkeypatch.setattr(pickle, "dumps", lambda value, *args: pickled.append(value) or dumps(value))
    with app.test_request_context():
        assert caching.cached("big", lambda: big, 1, shared=True) == big
        assert caching.cached("big", lambda: big, 1, shared=True) is not first
    assert pickled == []
    monkeypatch.undo()

    kept = caching.kept_objects(app)
    some = "y" * (caching.KEPT_LARGEST // 2)
    with app.test_request_context():
        for n in range(3 * caching.KEPT_BYTES // len(some)):
            caching.cached("some", lambda: some, n, shared=True)
        assert caching.KEPT_BYTES // 2 < kept.entries.currsize <= caching.KEPT_BYTES


def test_work_outside_a_request_reads_the_content_version_every_time(app, factory):
    """A worker's task or a CLI command can run for a while: it never keeps the version, so it
    sees another process's write at once."""
    with app.app_context():
        before = caching.content_version()
        caching.content_changed()  # as another process's commit would
        assert caching.content_version() != before


def test_the_version_file_is_memory_every_process_shares(tmp_path, monkeypatch):
    """Without Redis each process maps the version file into its memory: another process's new
    token is read at once, reading it touches no file (no ``stat``), and the file stays the one
    every process mapped."""
    path = tmp_path / "content-version"
    here = caching.VersionFile(path)
    before = here.read()
    inode = path.stat().st_ino
    elsewhere = (
        "import sys; from pathlib import Path; from myapp.caching import VersionFile; "
        "version = VersionFile(Path(sys.argv[1])); print(version.read()); version.replace(); "
        "print(version.read())"
    )
    seen, replaced = subprocess.run(
        [sys.executable, "-c", elsewhere, str(path)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert seen == before and len(before) == 32

    def touched(*args, **kwargs):
        raise AssertionError("reading the version touched the file system")

    with monkeypatch.context() as patch:
        patch.setattr(os, "stat", touched)
        patch.setattr(os, "open", touched)
        assert here.read() == replaced != before
    assert path.stat().st_ino == inode


@contextmanager
def redis_commands() -> Iterator[list[str]]:
    """The Redis commands any client in this process sends meanwhile, by name."""
    sent: list[str] = []
    real = redis.Redis.execute_command

    def execute_command(self, *args, **options):
        sent.append(str(args[0]))
        return real(self, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis.Redis, "execute_command", execute_command)
        yield sent


@pytest.mark.skipif(not REDIS_URL, reason="the shared cache is Redis: set REDIS_URL")
def test_with_redis_a_signed_in_read_costs_no_command_within_the_version_lease(
    app, client, factory, count_queries, monkeypatch
):
    """The viewer, their flags, the total, the page's ids and the fragments are each process's
    copies of Redis's entries, and the content version is trusted for its lease: a signed-in
    list costs no statement and no Redis command, then the version's GET once the lease has
    run out."""
    now = [time.monotonic()]
    monkeypatch.setattr(app.extensions["nearby_copies"], "clock", lambda: now[0])  # slow machine
    lease = app.extensions["version_lease"]
    monkeypatch.setattr(lease, "clock", lambda: now[0])
    monkeypatch.setattr(lease, "seconds", LEASE)
    author, reader = factory.user("author"), factory.user("reader")
    factory.article(author, title="First")
    for _ in range(2):
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    with redis_commands() as sent, count_queries() as queries:
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    assert (sent, queries.count) == ([], 0)
    now[0] += lease.seconds
    with redis_commands() as sent, count_queries() as queries:
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    assert (sent, queries.count) == (["GET"], 0)


@pytest.mark.skipif(not REDIS_URL, reason="the shared cache is Redis: set REDIS_URL")
def test_with_redis_a_read_right_after_another_process_wrote_sees_the_write(
    app, client, database_url, factory, monkeypatch
):
    """The lease holds no read back: a process that writes waits the lease out before it
    answers, so the reader's next request, on real clocks, reads the new version."""
    monkeypatch.setattr(app.extensions["version_lease"], "seconds", LEASE)
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author, title="First")
    factory.article(author, title="Second")
    other = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": REDIS_URL,
            "CACHE_VERSION_LEASE_SECONDS": LEASE,
        }
    )
    for count, action in enumerate(("favorite", "unfavorite", "favorite")):
        listed = client.get("/api/articles", headers=reader.headers).json
        assert listed["articles"][1]["favoritesCount"] == count % 2
        # Another process (the same settings, so the same Redis keys) writes.
        method = "POST" if action == "favorite" else "DELETE"
        written = other.test_client().open(
            f"/api/articles/{slug}/favorite", method=method, headers=author.headers
        )
        assert written.status_code == 200
        listed = client.get("/api/articles", headers=reader.headers).json
        assert listed["articles"][1]["favoritesCount"] == (count + 1) % 2


def test_a_write_waits_every_lease_on_the_old_version_out():
    """The lease's rule on its own: a reader trusts a token from when it asked, for the lease;
    a writer returns only after that long, so no lease taken before its write is still good."""
    lease = caching.VersionLease(0.05)
    store = {"version": "old"}
    assert lease.read(lambda: store["version"]) == "old"
    asked_before = time.monotonic()
    lease.replace(lambda: store.update(version="new"))
    assert time.monotonic() - asked_before >= lease.seconds
    assert lease.read(lambda: store["version"]) == "new"
    assert lease.read(lambda: "not asked within the lease") == "new"


@pytest.mark.skipif(not REDIS_URL, reason="the shared cache is Redis: set REDIS_URL")
def test_a_process_keeps_its_copy_of_an_entry_nearby_seconds_at_most(
    app, client, factory, count_queries, monkeypatch
):
    """An entry gone from Redis (expired, or evicted) is served from the process's copy for
    ``NEARBY_SECONDS`` at most, then read from the database again."""
    clock = [time.monotonic()]  # the copies' own, moved by hand
    monkeypatch.setattr(app.extensions["nearby_copies"], "clock", lambda: clock[0])
    reader = factory.user("reader")
    factory.article(factory.user("author"))
    for _ in range(2):
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    backend = app.extensions["cache"][cache]
    for key in backend._read_client.scan_iter(f"{backend.key_prefix}*"):
        if b"content-version" not in key:
            backend._write_client.delete(key)
    clock[0] += caching.NEARBY_SECONDS - 1
    with count_queries() as queries:
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    assert queries.count == 0  # all from the process's copies
    clock[0] += 2
    with count_queries() as queries:
        assert client.get("/api/articles", headers=reader.headers).status_code == 200
    assert queries.count > 1


def test_the_memory_cache_is_bounded_in_bytes_and_never_shared():
    """The in-process cache (and each process's copies of Redis's entries) takes ``max_bytes``
    at most, the least recently used going first; an entry over ``largest`` is not kept, and a
    caller that changes the value it got changes nobody else's."""
    memory = caching.MemoryCache(1024 * 1024, largest=64 * 1024)
    memory.set_many({"small": {"tags": ["a"]}, "large": "x" * (64 * 1024 + 1)})
    small, large = memory.get_many("small", "large")
    assert (small, large) == ({"tags": ["a"]}, None)
    small["tags"].append("changed")
    assert memory.get("small") == {"tags": ["a"]}
    piece = "y" * (32 * 1024)
    memory.set_many({f"piece:{number}": piece for number in range(100)})  # 3.2 MB offered
    assert memory.entries.currsize <= 1024 * 1024
    assert memory.get("piece:99") == piece and memory.get("piece:0") is None
    memory.set("kept", 1, timeout=0)
    memory.set("brief", 1, timeout=5)
    assert memory.add("kept", 2) is False and memory.get("kept") == 1  # add keeps what is there
    memory.clock = lambda: time.monotonic() + 3600
    assert (memory.get("kept"), memory.get("brief")) == (1, None)


def test_one_long_page_asked_with_many_queries_stays_within_the_cache_bound(database_url):
    """The response cache keys the query string: a visitor can ask for the same long page under
    as many made-up queries as they like. Without Redis the cache holds ``CACHE_MAX_BYTES`` of
    them at most, where a count of entries let one worker hold hundreds of MB."""
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": None,
            "CACHE_MAX_BYTES": 2 * 1024 * 1024,  # keeps answers up to 128 KB
        }
    )
    factory = Factory(app)
    slug = factory.article(factory.user("author"), body="A long read. " * 7000)  # 91 KB
    client = app.test_client()
    for number in range(40):  # 40 answers of over 90 KB: 3.6 MB offered
        response = client.get(f"/api/articles/{slug}?made-up={number}")
        assert response.status_code == 200 and len(response.data) > 90_000
    memory = app.extensions["cache"][cache]
    assert isinstance(memory, caching.MemoryCache)
    assert 1024 * 1024 < memory.entries.currsize <= 2 * 1024 * 1024
