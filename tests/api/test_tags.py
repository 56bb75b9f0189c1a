"""HTTP tests for GET /api/tags."""


def get_tags(client):
    response = client.get("/api/tags")
    assert response.status_code == 200
    data = response.get_json()
    assert list(data) == ["tags"]
    return data["tags"]


def test_tags_empty_without_articles(client):
    assert get_tags(client) == []


def test_tags_empty_when_articles_have_no_tags(client, factory):
    factory.article(factory.user())

    assert get_tags(client) == []


def test_tags_lists_each_tag_in_use_once(client, factory):
    author = factory.user()
    factory.article(author, tag_list=["dragons", "training"])
    factory.article(author, tag_list=["dragons"])

    assert sorted(get_tags(client)) == ["dragons", "training"]


def test_tags_most_used_first(client, factory):
    author = factory.user()
    factory.article(author, tag_list=["rare", "common", "usual"])
    factory.article(author, tag_list=["common", "usual"])
    factory.article(author, tag_list=["common"])

    assert get_tags(client) == ["common", "usual", "rare"]


def test_tags_need_no_token_and_ignore_one(client, factory):
    author = factory.user()
    factory.article(author, tag_list=["dragons"])

    response = client.get("/api/tags", headers=author.headers)

    assert response.status_code == 200
    assert response.get_json() == {"tags": ["dragons"]}


def test_tags_of_deleted_articles_are_gone(client, factory):
    author = factory.user()
    doomed = factory.article(author, tag_list=["gone", "shared"])
    factory.article(author, tag_list=["shared"])

    response = client.delete(f"/api/articles/{doomed}", headers=author.headers)

    assert response.status_code == 204
    assert get_tags(client) == ["shared"]


def test_tags_removed_from_an_article_are_gone(client, factory):
    author = factory.user()
    slug = factory.article(author, tag_list=["old"])

    response = client.put(
        f"/api/articles/{slug}", json={"article": {"tagList": ["new"]}}, headers=author.headers
    )

    assert response.status_code == 200
    assert get_tags(client) == ["new"]
