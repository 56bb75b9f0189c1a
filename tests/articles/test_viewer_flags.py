"""A reader's flags from the cached ids of what they favorited and whom they follow
(myapp/articles/viewer_flags.py): right for each reader, and for a reader over the limit read
with the page instead."""

import pytest

from myapp.articles import viewer_flags
from tests.articles.test_fragments import expected


@pytest.fixture
def shelf(factory):
    """Three articles by one author; the reader favorited two of them and follows the author."""
    author, reader = factory.user("author"), factory.user("reader")
    slugs = [factory.article(author, title=f"Shelf {n}") for n in range(3)]
    for slug in slugs[:2]:
        factory.favorite(reader, slug)
    factory.follow(reader, author)
    return reader, slugs


def flags_of(response) -> dict[str, tuple[bool, bool]]:
    return {
        a["slug"]: (a["favorited"], a["author"]["following"]) for a in response.json["articles"]
    }


def test_a_reader_over_the_limit_gets_their_flags_from_the_pages_statement(
    client, shelf, count_queries, monkeypatch
):
    reader, slugs = shelf
    monkeypatch.setattr(viewer_flags, "LIMIT", 1)  # two favorites are too many
    client.get("/api/articles", headers=reader.headers)
    with count_queries() as queries:
        response = client.get("/api/articles", headers=reader.headers)
    assert flags_of(response) == {
        slugs[0]: (True, True),
        slugs[1]: (True, True),
        slugs[2]: (False, True),
    }
    assert (response.status_code, response.data) == expected(client.application, reader, "list", "")
    # Not kept: the page's own statement, with the flags, on every read.
    assert [s for s in queries.statements if "FROM favorites" in s and "EXISTS" in s]
    one = client.get(f"/api/articles/{slugs[0]}", headers=reader.headers)
    assert (one.json["article"]["favorited"], one.json["article"]["author"]["following"]) == (
        True,
        True,
    )


def test_each_reader_has_their_own_entry_and_it_follows_their_clicks(client, shelf, factory):
    reader, slugs = shelf
    stranger = factory.user("stranger")
    for _ in range(2):  # the second time from the cache
        assert set(flags_of(client.get("/api/articles", headers=reader.headers)).values()) == {
            (True, True),
            (False, True),
        }
        theirs = flags_of(client.get("/api/articles", headers=stranger.headers))
        assert set(theirs.values()) == {(False, False)}

    client.delete(f"/api/articles/{slugs[0]}/favorite", headers=reader.headers)
    client.post(f"/api/articles/{slugs[2]}/favorite", headers=stranger.headers)
    assert flags_of(client.get("/api/articles", headers=reader.headers)) == {
        slugs[0]: (False, True),
        slugs[1]: (True, True),
        slugs[2]: (False, True),
    }
    assert flags_of(client.get("/api/articles", headers=stranger.headers))[slugs[2]] == (
        True,
        False,
    )
    article = client.get(f"/api/articles/{slugs[0]}", headers=reader.headers).json["article"]
    assert article["favorited"] is False
