"""The query budget: each read costs a fixed number of SQL statements, whatever the page size,
the dataset size and the viewer (no N+1). Counts include loading the viewer from the token."""

import pytest


@pytest.fixture
def world(factory):
    """Articles by three authors, each tagged, favorited and commented, read by a follower."""

    def build(size: int):
        reader = factory.user("reader")
        authors = [factory.user() for _ in range(3)]
        slug = None
        for i in range(size):
            author = authors[i % 3]
            slug = factory.article(author, tag_list=["common", f"tag{i}"])
            factory.favorite(reader, slug)
            factory.comment(author, slug)
            factory.comment(reader, slug)
        for author in authors:
            factory.follow(reader, author)
        return reader, authors[0], slug

    return build


# (path, signed in?, statements) on a cold cache. Anonymous, a list is the count and the page
# with authors and tags. Signed in, it is the count, the page's ids and authors, and the
# articles' fragments; one article is which one is listed under the slug, and its fragment;
# plus loading the viewer and the ids of what they favorited and whom they follow.
BUDGET = [
    ("/api/articles", False, 2),
    ("/api/articles?limit=100", True, 5),
    ("/api/articles?tag=common&limit=100", True, 5),
    ("/api/articles?author={author}&limit=100", True, 5),
    ("/api/articles?favorited=reader&limit=100", True, 5),
    ("/api/articles/feed?limit=100", True, 5),
    ("/api/articles/{slug}", False, 1),
    ("/api/articles/{slug}", True, 4),
    ("/api/articles/{slug}/comments", False, 1),  # the comments, joined to the slug
    # Signed in: the viewer, their flags, the article listed under the slug, its comments' ids
    # and authors, their fragments (staff: tests/moderation/test_visibility.py).
    ("/api/articles/{slug}/comments", True, 5),
    ("/api/profiles/{author}", False, 1),
    ("/api/profiles/{author}", True, 3),  # the viewer, their flags, the profile
    ("/api/tags", False, 1),
]


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize(("path", "signed_in", "budget"), BUDGET)
def test_reads_run_a_constant_number_of_queries(
    client, world, count_queries, size, path, signed_in, budget
):
    reader, author, slug = world(size)
    url = path.format(author=author.username, slug=slug)
    with count_queries() as queries:
        response = client.get(url, headers=reader.headers if signed_in else {})
    assert response.status_code == 200
    assert queries.count == budget, queries.statements


WARM_READS = [
    "/api/articles",
    "/api/articles?tag=common",
    "/api/articles/feed",
    "/api/articles/{slug}",
    "/api/articles/{slug}/comments",
    "/api/profiles/{author}",
]


@pytest.mark.parametrize("path", WARM_READS)
def test_a_signed_in_readers_next_read_runs_no_sql(client, world, count_queries, path):
    """The viewer, their flags, the total, the page's ids (or the article under the slug, and its
    shown comments), the fragments and the profile are all cached until the next write."""
    reader, author, slug = world(12)
    url = path.format(slug=slug, author=author.username)
    first = client.get(url, headers=reader.headers)
    with count_queries() as queries:
        again = client.get(url, headers=reader.headers)
    assert again.json == first.json
    assert queries.count == 0, queries.statements


def test_page_size_does_not_change_the_count(client, world, count_queries):
    reader, _, _ = world(12)
    client.get("/api/articles", headers=reader.headers)  # the total is cached from here on
    counts = []
    for limit in (1, 5, 12):
        with count_queries() as queries:
            response = client.get(f"/api/articles?limit={limit}", headers=reader.headers)
        assert len(response.json["articles"]) == limit
        counts.append(queries.count)
    assert counts == [1, 1, 1]  # the page's ids (the viewer, their flags and the total are cached)


@pytest.mark.parametrize("size", [1, 12])
def test_own_articles_run_a_constant_number_of_queries(client, world, count_queries, size):
    reader, author, slug = world(size)
    with count_queries() as queries:
        response = client.get("/api/user/articles?limit=100", headers=author.headers)
    assert response.json["articlesCount"] == len(range(0, size, 3))
    assert queries.count == 3, queries.statements  # the viewer, the count, the page


@pytest.mark.parametrize("notify", [True, False])
def test_a_comment_writes_its_notification_in_one_more_statement(
    client, factory, count_queries, monkeypatch, notify
):
    """The viewer, the article (with whether its author wants comment emails), the comment, the
    outbox row when wanted, and the comment as answered. (The delivery, which eager mode would
    run inside the request, is left out: it is the worker's.)"""
    monkeypatch.setattr("myapp.worker.send_later", lambda *args: None)
    author, reader = factory.user(), factory.user()
    factory.follow(author, reader)  # irrelevant rows must not change the count
    changes = {"user": {"notifications": {"comments": notify}}}
    client.put("/api/user", json=changes, headers=author.headers)
    slug = factory.article(author)
    with count_queries() as queries:
        response = client.post(
            f"/api/articles/{slug}/comments",
            json={"comment": {"body": "Hi"}},
            headers=reader.headers,
        )
    assert response.status_code == 200
    writes = [s for s in queries.statements if s.lstrip().upper().startswith("INSERT")]
    assert len(writes) == (2 if notify else 1), writes
    assert queries.count == (5 if notify else 4), queries.statements
    assert len(queries.statements) == len(set(queries.statements))  # nothing read twice
