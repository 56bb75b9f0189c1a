"""HTTP tests for /api/articles: lists, the feed, one article, writing and favoriting."""

import time

import pytest

from tests.api.assertions import TIMESTAMP, assert_error

LIST_ITEM_KEYS = {
    "slug",
    "title",
    "description",
    "tagList",
    "createdAt",
    "updatedAt",
    "favorited",
    "favoritesCount",
    "author",
    "status",  # beyond RealWorld: drafts and scheduling
    "publishAt",
    "readingMinutes",  # beyond RealWorld: minutes to read the body
}
# One article also has its body, and whether a moderator hid it (beyond RealWorld).
ARTICLE_KEYS = LIST_ITEM_KEYS | {"body", "hiddenAt", "hiddenReason"}
PROFILE_KEYS = {"username", "bio", "image", "following"}


def list_articles(client, query="", headers=None):
    response = client.get(f"/api/articles{query}", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def slugs(data):
    return [article["slug"] for article in data["articles"]]


def new_article(**fields):
    article = {
        "title": "How to train your dragon",
        "description": "Ever wonder how?",
        "body": "You have to believe",
        "tagList": ["reactjs", "angularjs", "dragons"],
    }
    return {"article": article | fields}


# --- GET /api/articles -----------------------------------------------------------------------


def test_list_is_empty_without_articles(client):
    assert list_articles(client) == {"articles": [], "articlesCount": 0}


def test_list_is_newest_first(client, factory):
    author = factory.user()
    first, second, third = (factory.article(author) for _ in range(3))

    data = list_articles(client)

    assert slugs(data) == [third, second, first]
    assert data["articlesCount"] == 3


def test_list_items_have_every_key_but_body(client, factory):
    author = factory.user(bio="I write.")
    slug = factory.article(author, title="Hello", description="Greeting", tag_list=["b", "a"])

    (article,) = list_articles(client)["articles"]

    assert set(article) == LIST_ITEM_KEYS
    assert "body" not in article
    assert article["slug"] == slug
    assert article["title"] == "Hello"
    assert article["description"] == "Greeting"
    assert article["tagList"] == ["a", "b"]
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"] == {
        "username": author.username,
        "bio": "I write.",
        "image": None,
        "following": False,
    }


def test_list_timestamps_match_the_realworld_format(client, factory):
    factory.article(factory.user())

    (article,) = list_articles(client)["articles"]

    assert TIMESTAMP.match(article["createdAt"])
    assert TIMESTAMP.match(article["updatedAt"])


def test_list_filters_by_tag(client, factory):
    author = factory.user()
    dragons = factory.article(author, tag_list=["dragons", "training"])
    factory.article(author, tag_list=["training"])
    factory.article(author)

    data = list_articles(client, "?tag=dragons")

    assert slugs(data) == [dragons]
    assert data["articlesCount"] == 1


def test_list_filters_by_author(client, factory):
    jake, jane = factory.user(), factory.user()
    first = factory.article(jake)
    factory.article(jane)
    second = factory.article(jake)

    data = list_articles(client, f"?author={jake.username}")

    assert slugs(data) == [second, first]
    assert data["articlesCount"] == 2
    assert {a["author"]["username"] for a in data["articles"]} == {jake.username}


def test_list_filters_by_favoriting_user(client, factory):
    author, fan = factory.user(), factory.user()
    liked = factory.article(author)
    factory.article(author)
    factory.favorite(fan, liked)

    data = list_articles(client, f"?favorited={fan.username}")

    assert slugs(data) == [liked]
    assert data["articlesCount"] == 1
    assert data["articles"][0]["favoritesCount"] == 1


def test_list_filters_combine(client, factory):
    jake, jane = factory.user(), factory.user()
    match = factory.article(jake, tag_list=["dragons"])
    factory.article(jake, tag_list=["cats"])
    factory.article(jane, tag_list=["dragons"])

    data = list_articles(client, f"?tag=dragons&author={jake.username}")

    assert slugs(data) == [match]
    assert data["articlesCount"] == 1


@pytest.mark.parametrize("query", ["?tag=nope", "?author=johnjacob", "?favorited=johnjacob"])
def test_list_with_unknown_filter_value_is_empty(client, factory, query):
    factory.article(factory.user(), tag_list=["dragons"])

    assert list_articles(client, query) == {"articles": [], "articlesCount": 0}


def test_list_favorited_by_user_without_favorites_is_empty(client, factory):
    factory.article(factory.user())
    idle = factory.user()

    assert list_articles(client, f"?favorited={idle.username}") == {
        "articles": [],
        "articlesCount": 0,
    }


def test_list_pages_with_limit_and_offset(client, factory):
    author = factory.user()
    oldest_first = [factory.article(author) for _ in range(5)]
    newest_first = oldest_first[::-1]

    data = list_articles(client, "?limit=2&offset=1")

    assert slugs(data) == newest_first[1:3]
    assert data["articlesCount"] == 5


def test_list_offset_past_the_end_is_empty_but_counts_all(client, factory):
    author = factory.user()
    for _ in range(3):
        factory.article(author)

    assert list_articles(client, "?offset=10") == {"articles": [], "articlesCount": 3}


def test_list_default_limit_is_20(client, factory):
    author = factory.user()
    for _ in range(21):
        factory.article(author)

    data = list_articles(client)

    assert len(data["articles"]) == 20
    assert data["articlesCount"] == 21


def test_list_limit_is_capped_at_100(client, factory):
    author = factory.user()
    for _ in range(101):
        factory.article(author)

    data = list_articles(client, "?limit=500")

    assert len(data["articles"]) == 100
    assert data["articlesCount"] == 101


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?limit=abc", "limit"),
        ("?limit=-1", "limit"),
        ("?limit=0", "limit"),
        ("?offset=abc", "offset"),
        ("?offset=-1", "offset"),
    ],
)
def test_list_rejects_bad_paging(client, query, field):
    assert_error(client.get(f"/api/articles{query}"), 422, field)


def test_list_flags_follow_the_viewer(client, factory):
    author, reader = factory.user(), factory.user()
    liked = factory.article(author)
    other = factory.article(author)
    factory.favorite(reader, liked)
    factory.follow(reader, author)

    data = list_articles(client, headers=reader.headers)

    by_slug = {a["slug"]: a for a in data["articles"]}
    assert by_slug[liked]["favorited"] is True
    assert by_slug[other]["favorited"] is False
    assert all(a["author"]["following"] is True for a in data["articles"])

    anonymous = list_articles(client)
    assert all(a["favorited"] is False for a in anonymous["articles"])
    assert all(a["author"]["following"] is False for a in anonymous["articles"])


def test_list_with_invalid_token_is_401(client):
    response = client.get("/api/articles", headers={"Authorization": "Token not-a-jwt"})

    assert_error(response, 401, "token")


# --- GET /api/articles/feed ------------------------------------------------------------------


def test_feed_requires_a_token(client):
    assert_error(client.get("/api/articles/feed"), 401, "token")


def test_feed_is_empty_when_following_nobody(client, factory):
    factory.article(factory.user())
    reader = factory.user()

    response = client.get("/api/articles/feed", headers=reader.headers)

    assert response.status_code == 200
    assert response.get_json() == {"articles": [], "articlesCount": 0}


def test_feed_shows_only_followed_authors_newest_first(client, factory):
    followed, stranger, reader = factory.user(), factory.user(), factory.user()
    first = factory.article(followed)
    factory.article(stranger)
    factory.article(reader)
    second = factory.article(followed)
    factory.follow(reader, followed)

    response = client.get("/api/articles/feed", headers=reader.headers)

    data = response.get_json()
    assert response.status_code == 200
    assert slugs(data) == [second, first]
    assert data["articlesCount"] == 2
    for article in data["articles"]:
        assert set(article) == LIST_ITEM_KEYS
        assert article["author"]["following"] is True


def test_feed_pages_with_limit_and_offset(client, factory):
    followed, reader = factory.user(), factory.user()
    oldest_first = [factory.article(followed) for _ in range(4)]
    factory.follow(reader, followed)

    response = client.get("/api/articles/feed?limit=2&offset=1", headers=reader.headers)

    data = response.get_json()
    assert slugs(data) == oldest_first[::-1][1:3]
    assert data["articlesCount"] == 4


def test_a_feeds_count_is_kept_for_its_reader_until_a_follow(client, factory, count_queries):
    """Counting a feed walks every listed article: a reload or the next page takes the count
    from the cache, each reader their own, and a follow counts again."""
    author, reader, other = factory.user(), factory.user(), factory.user()
    factory.article(author)
    factory.follow(reader, author)
    first = client.get("/api/articles/feed", headers=reader.headers).get_json()

    with count_queries() as queries:
        again = client.get("/api/articles/feed", headers=reader.headers).get_json()

    assert again == first and first["articlesCount"] == 1
    assert not [sql for sql in queries.statements if "count(articles.id)" in sql]
    assert client.get("/api/articles/feed", headers=other.headers).json["articlesCount"] == 0
    factory.follow(other, author)
    assert client.get("/api/articles/feed", headers=other.headers).json["articlesCount"] == 1


def test_feed_rejects_bad_paging(client, factory):
    reader = factory.user()

    response = client.get("/api/articles/feed?limit=x", headers=reader.headers)

    assert_error(response, 422, "limit")


# --- GET /api/articles/:slug -----------------------------------------------------------------


def test_get_article_anonymously(client, factory):
    author = factory.user()
    slug = factory.article(author, title="Hello", description="Hi", body="Text", tag_list=["x"])

    response = client.get(f"/api/articles/{slug}")

    assert response.status_code == 200
    article = response.get_json()["article"]
    assert set(article) == ARTICLE_KEYS
    assert article["slug"] == slug
    assert article["title"] == "Hello"
    assert article["description"] == "Hi"
    assert article["body"] == "Text"
    assert article["tagList"] == ["x"]
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert set(article["author"]) == PROFILE_KEYS
    assert article["author"]["username"] == author.username
    assert article["author"]["following"] is False
    assert TIMESTAMP.match(article["createdAt"])
    assert TIMESTAMP.match(article["updatedAt"])


def test_get_article_flags_follow_the_viewer(client, factory):
    author, fan, stranger = factory.user(), factory.user(), factory.user()
    slug = factory.article(author)
    factory.favorite(fan, slug)
    factory.follow(fan, author)

    as_fan = client.get(f"/api/articles/{slug}", headers=fan.headers).get_json()["article"]
    as_stranger = client.get(f"/api/articles/{slug}", headers=stranger.headers)
    as_stranger = as_stranger.get_json()["article"]

    assert as_fan["favorited"] is True
    assert as_fan["author"]["following"] is True
    assert as_fan["favoritesCount"] == 1
    assert as_stranger["favorited"] is False
    assert as_stranger["author"]["following"] is False
    assert as_stranger["favoritesCount"] == 1


def test_get_unknown_article_is_404(client):
    assert_error(client.get("/api/articles/no-such-article"), 404)


# --- POST /api/articles ----------------------------------------------------------------------


def test_create_article(client, factory):
    author = factory.user()

    response = client.post("/api/articles", json=new_article(), headers=author.headers)

    assert response.status_code == 201
    article = response.get_json()["article"]
    assert set(article) == ARTICLE_KEYS
    assert article["slug"] == "how-to-train-your-dragon"
    assert article["title"] == "How to train your dragon"
    assert article["description"] == "Ever wonder how?"
    assert article["body"] == "You have to believe"
    assert article["tagList"] == ["angularjs", "dragons", "reactjs"]
    assert article["favorited"] is False
    assert article["favoritesCount"] == 0
    assert article["author"]["username"] == author.username
    assert article["author"]["following"] is False
    assert TIMESTAMP.match(article["createdAt"])
    assert TIMESTAMP.match(article["updatedAt"])

    fetched = client.get(f"/api/articles/{article['slug']}").get_json()["article"]
    assert fetched["body"] == "You have to believe"


def test_create_article_without_tags_has_empty_tag_list(client, factory):
    payload = {"article": {"title": "T", "description": "D", "body": "B"}}

    response = client.post("/api/articles", json=payload, headers=factory.user().headers)

    assert response.status_code == 201
    assert response.get_json()["article"]["tagList"] == []


def test_create_article_deduplicates_and_sorts_tags(client, factory):
    payload = new_article(tagList=["training", "dragons", "training", " dragons "])

    response = client.post("/api/articles", json=payload, headers=factory.user().headers)

    assert response.status_code == 201
    assert response.get_json()["article"]["tagList"] == ["dragons", "training"]


def test_same_title_twice_gives_distinct_slugs(client, factory):
    author = factory.user()

    first = client.post("/api/articles", json=new_article(), headers=author.headers)
    second = client.post("/api/articles", json=new_article(), headers=author.headers)

    assert first.status_code == second.status_code == 201
    first_slug = first.get_json()["article"]["slug"]
    second_slug = second.get_json()["article"]["slug"]
    assert first_slug != second_slug
    assert second_slug.startswith("how-to-train-your-dragon")
    assert list_articles(client)["articlesCount"] == 2


@pytest.mark.parametrize("title", ["?!...", "Привет, мир", "你好世界"])
def test_title_without_latin_letters_still_gets_a_slug(client, factory, title):
    author = factory.user()

    first = client.post("/api/articles", json=new_article(title=title), headers=author.headers)
    second = client.post("/api/articles", json=new_article(title=title), headers=author.headers)

    assert first.status_code == second.status_code == 201
    slug = first.get_json()["article"]["slug"]
    assert slug and slug != second.get_json()["article"]["slug"]
    fetched = client.get(f"/api/articles/{slug}")
    assert fetched.status_code == 200
    assert fetched.get_json()["article"]["title"] == title


def test_create_article_requires_a_token(client):
    assert_error(client.post("/api/articles", json=new_article()), 401, "token")


@pytest.mark.parametrize("field", ["title", "description", "body"])
def test_create_article_without_required_field_is_422(client, factory, field):
    payload = new_article()
    del payload["article"][field]

    response = client.post("/api/articles", json=payload, headers=factory.user().headers)

    assert_error(response, 422, field)


@pytest.mark.parametrize("field", ["title", "description", "body"])
def test_create_article_with_blank_field_is_422(client, factory, field):
    response = client.post(
        "/api/articles", json=new_article(**{field: "   "}), headers=factory.user().headers
    )

    assert_error(response, 422, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 123),
        ("description", ["a"]),
        ("body", {"text": "b"}),
        ("title", None),
        ("tagList", "dragons"),
    ],
)
def test_create_article_with_wrong_type_is_422(client, factory, field, value):
    response = client.post(
        "/api/articles", json=new_article(**{field: value}), headers=factory.user().headers
    )

    assert_error(response, 422, field)


def test_create_article_with_non_string_tag_is_422(client, factory):
    response = client.post(
        "/api/articles", json=new_article(tagList=["ok", 5]), headers=factory.user().headers
    )

    assert_error(response, 422)
    assert any(key.startswith("tagList") for key in response.get_json()["errors"])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "t" * 201),
        ("description", "d" * 501),
        ("body", "b" * 100_001),
    ],
)
def test_create_article_with_overlong_field_is_422(client, factory, field, value):
    response = client.post(
        "/api/articles", json=new_article(**{field: value}), headers=factory.user().headers
    )

    assert_error(response, 422, field)


def test_create_article_with_too_many_or_too_long_tags_is_422(client, factory):
    author = factory.user()

    too_many = new_article(tagList=[f"tag{i}" for i in range(11)])
    too_long = new_article(tagList=["t" * 41])

    assert_error(client.post("/api/articles", json=too_many, headers=author.headers), 422)
    response = client.post("/api/articles", json=too_long, headers=author.headers)
    assert_error(response, 422)
    assert any(key.startswith("tagList") for key in response.get_json()["errors"])


@pytest.mark.parametrize("payload", [["article"], "article", 42, {"article": "text"}])
def test_create_article_with_body_not_an_object_is_422(client, factory, payload):
    response = client.post("/api/articles", json=payload, headers=factory.user().headers)

    assert_error(response, 422)


def test_create_article_without_the_article_key_is_422(client, factory):
    response = client.post("/api/articles", json={}, headers=factory.user().headers)

    assert_error(response, 422, "article")


def test_create_article_with_invalid_json_is_a_json_error(client, factory):
    response = client.post(
        "/api/articles",
        data="{not json",
        content_type="application/json",
        headers=factory.user().headers,
    )

    assert response.status_code in (400, 422)
    assert_error(response, response.status_code)


# --- PUT /api/articles/:slug -----------------------------------------------------------------


def update(client, slug, account, **fields):
    return client.put(f"/api/articles/{slug}", json={"article": fields}, headers=account.headers)


def test_update_title_regenerates_the_slug(client, factory):
    author = factory.user()
    slug = factory.article(author, title="Old title")

    response = update(client, slug, author, title="A brand new title")

    assert response.status_code == 200
    article = response.get_json()["article"]
    assert article["slug"] == "a-brand-new-title"
    assert article["title"] == "A brand new title"
    assert client.get("/api/articles/a-brand-new-title").status_code == 200
    assert_error(client.get(f"/api/articles/{slug}"), 404)


def test_update_keeps_omitted_fields(client, factory):
    author = factory.user()
    slug = factory.article(author, title="Keep", description="Old", body="Body", tag_list=["t"])

    response = update(client, slug, author, description="New")

    assert response.status_code == 200
    article = response.get_json()["article"]
    assert article["slug"] == slug
    assert article["title"] == "Keep"
    assert article["description"] == "New"
    assert article["body"] == "Body"
    assert article["tagList"] == ["t"]
    assert client.get(f"/api/articles/{slug}").get_json()["article"] == article


def test_update_advances_updated_at(client, factory):
    author = factory.user()
    slug = factory.article(author)
    before = client.get(f"/api/articles/{slug}").get_json()["article"]
    time.sleep(0.01)

    article = update(client, slug, author, body="Changed").get_json()["article"]

    assert article["body"] == "Changed"
    assert TIMESTAMP.match(article["updatedAt"])
    assert article["updatedAt"] > before["updatedAt"]
    assert article["createdAt"] == before["createdAt"]


def test_update_replaces_the_tag_list(client, factory):
    author = factory.user()
    slug = factory.article(author, tag_list=["old", "kept"])

    article = update(client, slug, author, tagList=["new", "kept", "new"]).get_json()["article"]

    assert article["tagList"] == ["kept", "new"]
    assert slugs(list_articles(client, "?tag=old")) == []
    assert slugs(list_articles(client, "?tag=new")) == [slug]


def test_update_with_empty_tag_list_clears_tags(client, factory):
    author = factory.user()
    slug = factory.article(author, tag_list=["gone"])

    article = update(client, slug, author, tagList=[]).get_json()["article"]

    assert article["tagList"] == []


def test_update_same_title_keeps_the_slug(client, factory):
    author = factory.user()
    slug = factory.article(author, title="Same")

    article = update(client, slug, author, title="Same").get_json()["article"]

    assert article["slug"] == slug


def test_update_to_a_taken_title_gets_a_distinct_slug(client, factory):
    author = factory.user()
    taken = factory.article(author, title="Taken")
    slug = factory.article(author, title="Other")

    article = update(client, slug, author, title="Taken").get_json()["article"]

    assert article["slug"] != taken
    assert client.get(f"/api/articles/{taken}").get_json()["article"]["title"] == "Taken"


def test_update_someone_elses_article_is_403(client, factory):
    author, intruder = factory.user(), factory.user()
    slug = factory.article(author, title="Mine")

    assert_error(update(client, slug, intruder, title="Yours"), 403)
    assert client.get(f"/api/articles/{slug}").get_json()["article"]["title"] == "Mine"


def test_update_unknown_article_is_404(client, factory):
    assert_error(update(client, "no-such-article", factory.user(), title="X"), 404)


def test_update_requires_a_token(client, factory):
    slug = factory.article(factory.user())

    response = client.put(f"/api/articles/{slug}", json={"article": {"title": "X"}})

    assert_error(response, 401, "token")


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "  "), ("body", ""), ("title", 5), ("description", "d" * 501)],
)
def test_update_with_invalid_field_is_422(client, factory, field, value):
    author = factory.user()
    slug = factory.article(author)

    assert_error(update(client, slug, author, **{field: value}), 422, field)


def test_update_with_body_not_an_object_is_422(client, factory):
    author = factory.user()
    slug = factory.article(author)

    response = client.put(f"/api/articles/{slug}", json=["title"], headers=author.headers)

    assert_error(response, 422)


# --- DELETE /api/articles/:slug --------------------------------------------------------------


def test_delete_article(client, factory):
    author = factory.user()
    slug = factory.article(author)

    response = client.delete(f"/api/articles/{slug}", headers=author.headers)

    assert response.status_code == 204
    assert response.data == b""
    assert_error(client.get(f"/api/articles/{slug}"), 404)
    assert list_articles(client)["articlesCount"] == 0


def test_delete_someone_elses_article_is_403(client, factory):
    author, intruder = factory.user(), factory.user()
    slug = factory.article(author)

    assert_error(client.delete(f"/api/articles/{slug}", headers=intruder.headers), 403)
    assert client.get(f"/api/articles/{slug}").status_code == 200


def test_delete_unknown_article_is_404(client, factory):
    response = client.delete("/api/articles/no-such-article", headers=factory.user().headers)

    assert_error(response, 404)


def test_delete_requires_a_token(client, factory):
    slug = factory.article(factory.user())

    assert_error(client.delete(f"/api/articles/{slug}"), 401, "token")
    assert client.get(f"/api/articles/{slug}").status_code == 200


def test_delete_removes_comments_and_favorites(client, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author, title="Doomed")
    factory.comment(fan, slug, "First!")
    factory.favorite(fan, slug)

    assert client.delete(f"/api/articles/{slug}", headers=author.headers).status_code == 204

    assert_error(client.get(f"/api/articles/{slug}/comments"), 404)
    assert list_articles(client, f"?favorited={fan.username}") == {
        "articles": [],
        "articlesCount": 0,
    }
    # A new article under the same slug inherits nothing from the deleted one.
    reborn = factory.article(author, title="Doomed")
    assert reborn == slug
    assert client.get(f"/api/articles/{slug}/comments").get_json() == {"comments": []}
    article = client.get(f"/api/articles/{slug}", headers=fan.headers).get_json()["article"]
    assert article["favoritesCount"] == 0
    assert article["favorited"] is False


# --- POST/DELETE /api/articles/:slug/favorite ------------------------------------------------


def test_favorite_article(client, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)

    response = client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)

    assert response.status_code == 200
    article = response.get_json()["article"]
    assert set(article) == ARTICLE_KEYS
    assert article["slug"] == slug
    assert article["favorited"] is True
    assert article["favoritesCount"] == 1


def test_favorite_article_without_a_body_despite_json_content_type(client, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)

    response = client.post(
        f"/api/articles/{slug}/favorite",
        headers={**fan.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 200
    assert response.get_json()["article"]["favorited"] is True


def test_favorite_twice_is_idempotent(client, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)

    client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)
    response = client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)

    assert response.status_code == 200
    assert response.get_json()["article"]["favorited"] is True
    assert response.get_json()["article"]["favoritesCount"] == 1


def test_favorites_count_counts_every_fan(client, factory):
    author, fan, other_fan = factory.user(), factory.user(), factory.user()
    slug = factory.article(author)
    factory.favorite(other_fan, slug)

    article = client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)
    article = article.get_json()["article"]

    assert article["favoritesCount"] == 2
    assert article["favorited"] is True


def test_favorited_filter_shows_the_favorite(client, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)
    factory.article(author)

    client.post(f"/api/articles/{slug}/favorite", headers=fan.headers)
    data = list_articles(client, f"?favorited={fan.username}", headers=fan.headers)

    assert slugs(data) == [slug]
    assert data["articlesCount"] == 1
    assert data["articles"][0]["favorited"] is True
    assert data["articles"][0]["favoritesCount"] == 1


def test_unfavorite_article(client, factory):
    author, fan, other_fan = factory.user(), factory.user(), factory.user()
    slug = factory.article(author)
    factory.favorite(fan, slug)
    factory.favorite(other_fan, slug)

    response = client.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)

    assert response.status_code == 200
    article = response.get_json()["article"]
    assert set(article) == ARTICLE_KEYS
    assert article["favorited"] is False
    assert article["favoritesCount"] == 1
    assert list_articles(client, f"?favorited={fan.username}")["articlesCount"] == 0


def test_unfavorite_twice_is_idempotent(client, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)
    factory.favorite(fan, slug)

    client.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)
    response = client.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)

    assert response.status_code == 200
    assert response.get_json()["article"]["favorited"] is False
    assert response.get_json()["article"]["favoritesCount"] == 0


@pytest.mark.parametrize("method", ["post", "delete"])
def test_favorite_requires_a_token(client, factory, method):
    slug = factory.article(factory.user())

    response = getattr(client, method)(f"/api/articles/{slug}/favorite")

    assert_error(response, 401, "token")


@pytest.mark.parametrize("method", ["post", "delete"])
def test_favorite_unknown_article_is_404(client, factory, method):
    fan = factory.user()
    url = "/api/articles/no-such-article/favorite"

    response = getattr(client, method)(url, headers=fan.headers)

    assert_error(response, 404)
