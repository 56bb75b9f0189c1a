"""GET /api/articles/<slug>/related: "Read next", computed by the worker (in eager mode here,
inside the write that causes it), with shared tags until it has been."""

import pytest
from sqlalchemy import func, select

from myapp.articles import related
from myapp.articles.models import Article, RelatedArticle, RelatedComputation
from myapp.extensions import db
from tests.api.assertions import assert_error
from tests.api.test_openapi import documented, validator

BREAD = [
    ("Sourdough starter basics", "Feeding a levain", "Flour, water, wild yeast, warmth."),
    ("Shaping a sourdough loaf", "Tension and folds", "Shape the dough, proof the loaf, bake hot."),
    ("Rye sourdough bread", "A dense loaf", "Rye flour ferments fast; the levain likes warmth."),
]
STARS = [
    ("Seeing Saturn's rings", "A night sky telescope", "Saturn's rings show in a telescope."),
    ("Finding the Andromeda galaxy", "Dark night sky", "Andromeda, a galaxy in the night sky."),
    ("Choosing a first telescope", "Aperture wins", "A telescope shows the galaxy and stars."),
]


def publish(factory, author, entries, tags=()):
    return [
        factory.article(author, title=t, description=d, body=b, tag_list=list(tags))
        for t, d, b in entries
    ]


def related_slugs(client, slug, headers=None):
    response = client.get(f"/api/articles/{slug}/related", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [article["slug"] for article in response.get_json()["articles"]]


@pytest.fixture
def no_worker(monkeypatch):
    """Writes queue nothing: what the site shows before the worker gets to an article."""
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)


def test_related_articles_are_the_most_similar_ones(client, factory):
    author = factory.user()
    bread = publish(factory, author, BREAD)
    stars = publish(factory, author, STARS)

    assert set(related_slugs(client, bread[0])[:2]) == set(bread[1:])
    assert set(related_slugs(client, stars[2])[:2]) == set(stars[:2])
    assert bread[0] not in related_slugs(client, bread[0])  # never itself


def test_the_answer_is_a_realworld_list_with_the_viewers_flags(client, factory):
    author, reader = factory.user(), factory.user()
    first, second, _ = publish(factory, author, BREAD)
    factory.favorite(reader, second)
    factory.follow(reader, author)

    response = client.get(f"/api/articles/{first}/related", headers=reader.headers)

    body = response.get_json()
    spec = client.get("/api/openapi.json").get_json()
    schema = documented(spec, "GET", "/api/articles/<slug>/related", 200)
    validator(spec, schema).validate(body)
    assert body["articlesCount"] == len(body["articles"]) == 2
    suggested = {article["slug"]: article for article in body["articles"]}
    assert suggested[second]["favorited"] is True
    assert suggested[second]["favoritesCount"] == 1
    assert suggested[second]["author"]["following"] is True
    assert "body" not in suggested[second]


def test_at_most_five(client, factory):
    author = factory.user()
    slugs = [
        factory.article(author, title=f"Sourdough loaf {n}", body="Sourdough flour levain bake.")
        for n in range(8)
    ]
    assert len(related_slugs(client, slugs[0])) == 5


def test_until_computed_articles_sharing_the_most_tags_come_first(client, factory, no_worker):
    author = factory.user()
    target = factory.article(author, title="Target", tag_list=["a", "b", "c"])
    two = factory.article(author, title="Two tags", tag_list=["a", "b"])
    one = factory.article(author, title="One tag", tag_list=["c", "z"])
    factory.article(author, title="No tag in common", tag_list=["z"])

    assert related_slugs(client, target) == [two, one]


def test_an_article_the_worker_missed_is_computed_by_its_sweep(app, client, factory, no_worker):
    author = factory.user()
    bread = publish(factory, author, BREAD, tags=["food"])
    stars = publish(factory, author, STARS, tags=["food"])  # the tags lie: all "food"
    assert len(related_slugs(client, stars[0])) == 5  # shared tags: everything

    with app.app_context():
        assert len(related.stale()) == 6
        sweep = app.extensions["celery"].tasks["myapp.tasks.refresh_related"]
        assert sweep.apply().result == 6  # as beat sends it: no ids
        assert related.stale() == []

    assert set(related_slugs(client, stars[0])[:2]) == set(stars[1:])
    assert not set(related_slugs(client, stars[0])[:2]) & set(bread)


def test_an_edit_recomputes_and_the_sweep_then_has_nothing_to_do(app, client, factory):
    author = factory.user()
    bread = publish(factory, author, BREAD)
    stars = publish(factory, author, STARS)
    body = {"article": {"title": "Telescope for Saturn", "body": "Saturn, telescope, galaxy."}}

    response = client.put(f"/api/articles/{bread[0]}", json=body, headers=author.headers)

    moved = response.get_json()["article"]["slug"]
    assert set(related_slugs(client, moved)[:3]) == set(stars)
    with app.app_context():
        assert related.stale() == []


def test_a_new_article_joins_the_lists_of_the_articles_it_resembles(client, factory):
    author = factory.user()
    bread = publish(factory, author, BREAD[:2])
    publish(factory, author, STARS)
    assert related_slugs(client, bread[0])[0] == bread[1]

    newest = factory.article(author, title="Sourdough starter and levain", body=BREAD[0][2])

    assert related_slugs(client, bread[0])[0] == newest  # bread[0] was not published again


def test_drafts_are_never_suggested_and_unpublished_ones_leave(client, factory):
    author = factory.user()
    bread = publish(factory, author, BREAD)
    draft = factory.article(author, title="Sourdough draft", body=BREAD[0][2], status="draft")
    assert draft not in related_slugs(client, bread[0])

    back_to_draft = {"article": {"status": "draft"}}
    client.put(f"/api/articles/{bread[1]}", json=back_to_draft, headers=author.headers)

    assert bread[1] not in related_slugs(client, bread[0])
    assert bread[1] not in related_slugs(client, bread[2])


def test_an_unknown_or_hidden_article_is_404(client, factory):
    author, stranger = factory.user(), factory.user()
    draft = factory.article(author, title="Secret", status="draft")

    assert_error(client.get("/api/articles/nope/related"), 404, "article")
    response = client.get(f"/api/articles/{draft}/related", headers=stranger.headers)
    assert_error(response, 404, "article")
    own = client.get(f"/api/articles/{draft}/related", headers=author.headers)
    assert own.status_code == 200


def test_an_anonymous_answer_is_cached_until_the_worker_writes(app, client, factory, no_worker):
    author = factory.user()
    first, second = publish(factory, author, BREAD[:2])
    assert related_slugs(client, first) == []  # no shared tags, not computed yet

    with app.app_context():
        first_id = db.session.scalar(select(Article.id).where(Article.slug == first))
        assert related.refresh([first_id]) == 1

    assert related_slugs(client, first) == [second]


@pytest.mark.parametrize("signed_in", [False, True])
def test_related_runs_a_constant_number_of_queries(client, factory, count_queries, signed_in):
    author = factory.user()
    counts = []
    for entries in (BREAD[:1], BREAD[1:] + STARS):
        slugs = publish(factory, author, entries)
        headers = author.headers if signed_in else None
        with count_queries() as queries:
            client.get(f"/api/articles/{slugs[0]}/related", headers=headers)
        counts.append(queries.count)
    assert counts[0] == counts[1] <= (3 if signed_in else 2)


def test_flask_related_rebuild_recomputes_everything(app, factory, no_worker):
    author = factory.user()
    publish(factory, author, BREAD + STARS)
    draft = factory.article(author, title="Draft", body=BREAD[0][2], status="draft")

    result = app.test_cli_runner().invoke(args=["related", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "of 6 article(s)" in result.output and "peak memory" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RelatedComputation)) == 6
        rows = db.session.scalars(select(RelatedArticle.related_id)).all()
        assert rows and draft not in rows
        assert related.stale() == []


def test_refreshing_twice_stores_the_same_rows(app, factory):
    author = factory.user()
    publish(factory, author, BREAD + STARS)
    with app.app_context():
        ids = list(db.session.scalars(select(RelatedComputation.article_id)))
        rows = select(RelatedArticle.article_id, RelatedArticle.rank, RelatedArticle.related_id)
        statement = rows.order_by(RelatedArticle.article_id, RelatedArticle.rank)
        before = db.session.execute(statement).all()
        related.refresh(ids)
        related.refresh(ids)
        after = db.session.execute(statement).all()
    assert before == after


def test_articles_of_nothing_but_stop_words_suggest_nothing(app, client, factory):
    author = factory.user()
    slug = factory.article(author, title="The", description="a", body="and the of")
    factory.article(author, title="It", description="is", body="the")
    with app.app_context():
        assert related.rebuild().articles == 2
    assert related_slugs(client, slug) == []
