"""Old links keep working: after a title change, the page of an article's old slug answers
301 to its current one (the API does not), for those who may see the article."""

from myapp.articles.models import Article, ArticleSlug
from myapp.extensions import db
from tests.pages.conftest import text


def rename(client, account, slug: str, title: str) -> str:
    """Change the title through the API; the new slug."""
    response = client.put(
        f"/api/articles/{slug}", json={"article": {"title": title}}, headers=account.headers
    )
    assert response.status_code == 200, response.json
    return response.json["article"]["slug"]


def article_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Article.id).where(Article.slug == slug))


def test_old_slug_redirects_permanently(client, factory):
    ann = factory.user()
    old = factory.article(ann, title="First title")
    new = rename(client, ann, old, "Better title")
    assert (old, new) == ("first-title", "better-title")

    response = client.get("/article/first-title")

    assert response.status_code == 301
    assert response.location == "/article/better-title"
    assert "Better title" in text(client.get(response.location))


def test_a_chain_of_renames_redirects_in_one_hop(client, factory):
    ann = factory.user()
    a = factory.article(ann, title="A")
    b = rename(client, ann, a, "B")
    c = rename(client, ann, b, "C")

    for old in (a, b):
        response = client.get(f"/article/{old}")
        assert response.status_code == 301
        assert response.location == f"/article/{c}"
    assert client.get(f"/article/{c}").status_code == 200


def test_the_query_string_is_not_carried(client, factory):
    ann = factory.user()
    old = factory.article(ann, title="Old")
    rename(client, ann, old, "New")
    assert client.get("/article/old?utm_source=x").location == "/article/new"


def test_the_api_answers_404_for_an_old_slug(client, factory):
    ann = factory.user()
    old = factory.article(ann, title="Old")
    rename(client, ann, old, "New")

    assert client.get(f"/api/articles/{old}").status_code == 404
    assert client.get(f"/api/articles/{old}/comments").status_code == 404
    assert client.post(f"/api/articles/{old}/favorite", headers=ann.headers).status_code == 404


def test_only_the_article_page_redirects(pages, factory):
    ann = factory.user()
    old = factory.article(ann, title="Old")
    rename(pages.client, ann, old, "New")
    pages.login(ann)

    assert pages.get(f"/editor/{old}").status_code == 404
    assert pages.post(f"/article/{old}/favorite").status_code == 404


def test_a_drafts_old_slug_is_hidden_from_others(pages, factory):
    ann = factory.user()
    old = factory.article(ann, title="Secret plans", status="draft")
    new = rename(pages.client, ann, old, "Secret plans, revised")

    assert pages.get(f"/article/{old}").status_code == 404  # signed out
    pages.login(factory.user())
    response = pages.get(f"/article/{old}")
    assert response.status_code == 404  # another reader learns nothing of it
    assert new not in text(response)

    pages.post("/logout")
    pages.login(ann)
    response = pages.get(f"/article/{old}")
    assert response.status_code == 301  # its author follows their own link
    assert response.location == f"/article/{new}"


def test_it_redirects_for_everyone_once_published(pages, factory):
    ann = factory.user()
    old = factory.article(ann, title="Draft title", status="draft")
    new = rename(pages.client, ann, old, "Final title")
    pages.client.put(
        f"/api/articles/{new}", json={"article": {"status": "published"}}, headers=ann.headers
    )
    assert pages.get(f"/article/{old}").location == f"/article/{new}"


def test_a_new_article_does_not_take_an_old_slug(client, factory):
    ann, bob = factory.user(), factory.user()
    old = factory.article(ann, title="Popular")
    rename(client, ann, old, "Popular, updated")

    taken = factory.article(bob, title="Popular")

    assert taken != "popular" and taken.startswith("popular-")
    assert client.get("/article/popular").location == "/article/popular-updated"


def test_the_live_slug_wins(app, client, factory):
    """A slug that is both an article's and another's old one (history from before the rules
    that keep them apart): the article that has it now is shown."""
    ann, bob = factory.user(), factory.user()
    moved = factory.article(ann, title="Moved")
    live = factory.article(bob, title="Live")
    with app.app_context():
        db.session.add(ArticleSlug(slug=live, article_id=article_id(app, moved)))
        db.session.commit()

    response = client.get(f"/article/{live}")
    assert response.status_code == 200
    assert "<h1>Live</h1>" in text(response)

    # Once that article is gone, the old slug leads to the article that had it.
    client.delete(f"/api/articles/{live}", headers=bob.headers)
    assert client.get(f"/article/{live}").location == f"/article/{moved}"


def test_a_hidden_live_slug_does_not_break_the_old_link(app, pages, factory):
    """Another's draft holding the slug is not revealed by a 404 where the redirect was."""
    ann, bob = factory.user(), factory.user()
    moved = factory.article(ann, title="Moved")
    hidden = factory.article(bob, title="Hidden", status="draft")
    with app.app_context():
        db.session.add(ArticleSlug(slug=hidden, article_id=article_id(app, moved)))
        db.session.commit()

    assert pages.get(f"/article/{hidden}").location == f"/article/{moved}"
    pages.login(bob)
    assert pages.get(f"/article/{hidden}").status_code == 200  # its author sees their draft


def test_taking_back_an_old_title(client, factory):
    ann = factory.user()
    a = factory.article(ann, title="Alpha")
    b = rename(client, ann, a, "Beta")
    assert rename(client, ann, b, "Alpha") == "alpha"  # its own old slug, live again

    assert client.get("/article/alpha").status_code == 200
    assert client.get("/article/beta").location == "/article/alpha"

    rename(client, ann, "alpha", "Gamma")
    assert client.get("/article/alpha").location == "/article/gamma"
    assert client.get("/article/beta").location == "/article/gamma"


def test_old_slugs_go_with_the_article(client, factory):
    ann = factory.user()
    old = factory.article(ann, title="Short lived")
    new = rename(client, ann, old, "Shorter lived")
    assert client.delete(f"/api/articles/{new}", headers=ann.headers).status_code == 204

    assert client.get(f"/article/{old}").status_code == 404
    assert factory.article(ann, title="Short lived") == old  # free again
