"""Simultaneous requests: the database's constraints decide, and nobody gets a 500."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from myapp.articles.models import favorites
from myapp.extensions import db
from myapp.users.models import User, follows

WORKERS = 10


def at_once(app, request):
    """Run ``request(client)`` from WORKERS threads at the same time; return the responses."""

    def run(_):
        return request(app.test_client())

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(WORKERS)))


def count(app, query) -> int:
    with app.app_context():
        return db.session.scalar(query)


def test_simultaneous_signups_with_one_email(app):
    def sign_up(client):
        n = id(client)
        user = {"username": f"racer{n}", "email": "same@example.com", "password": "password-1"}
        return client.post("/api/users", json={"user": user})

    statuses = sorted(r.status_code for r in at_once(app, sign_up))
    assert statuses == [201] + [422] * (WORKERS - 1)
    assert count(app, select(func.count()).select_from(User)) == 1


def test_simultaneous_signups_with_one_username(app):
    def sign_up(client):
        user = {"username": "racer", "email": f"{id(client)}@example.com", "password": "password-1"}
        return client.post("/api/users", json={"user": user})

    responses = at_once(app, sign_up)
    assert sorted(r.status_code for r in responses) == [201] + [422] * (WORKERS - 1)
    refused = [r.json for r in responses if r.status_code == 422]
    assert all(body == {"errors": {"username": ["has already been taken"]}} for body in refused)


def test_simultaneous_favorites_by_one_user(app, factory):
    author, fan = factory.user(), factory.user()
    slug = factory.article(author)

    url = f"/api/articles/{slug}/favorite"
    responses = at_once(app, lambda c: c.post(url, headers=fan.headers))
    assert {r.status_code for r in responses} == {200}
    assert {r.json["article"]["favoritesCount"] for r in responses} == {1}
    assert count(app, select(func.count()).select_from(favorites)) == 1


def test_simultaneous_follows(app, factory):
    factory.user("celeb")
    fan = factory.user()
    responses = at_once(app, lambda c: c.post("/api/profiles/celeb/follow", headers=fan.headers))
    assert {r.status_code for r in responses} == {200}
    assert count(app, select(func.count()).select_from(follows)) == 1


def test_simultaneous_articles_with_one_title_and_a_new_tag(app, factory):
    author = factory.user()
    article = {"title": "Same title", "description": "d", "body": "b", "tagList": ["fresh-tag"]}

    responses = at_once(
        app, lambda c: c.post("/api/articles", json={"article": article}, headers=author.headers)
    )
    assert {r.status_code for r in responses} == {201}
    slugs = {r.json["article"]["slug"] for r in responses}
    assert len(slugs) == WORKERS
    listing = app.test_client().get("/api/articles?tag=fresh-tag").json
    assert listing["articlesCount"] == WORKERS
