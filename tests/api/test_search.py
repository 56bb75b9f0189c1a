"""HTTP tests for GET /api/articles?q=: full-text search on every database (the index is kept
by triggers, so writes from services and bare statements alike are found)."""

import random

import pytest
from sqlalchemy import delete, update

from myapp.articles import search
from myapp.articles.models import Article, article_tags
from myapp.extensions import db
from tests.api.assertions import assert_error
from tests.api.test_openapi import documented, validator


def search_params(client, headers=None, **params):
    response = client.get("/api/articles", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def titles(data):
    return [article["title"] for article in data["articles"]]


@pytest.fixture
def library(factory):
    author = factory.user("writer")
    other = factory.user("other")
    factory.article(
        author,
        title="Running a marathon",
        description="Training plans for beginners",
        body="Long runs on Sunday, tempo work midweek.",
        tag_list=["sport"],
    )
    factory.article(
        author,
        title="The best café in town",
        description="Coffee and cake",
        body="A crème brûlée worth the trip.",
        tag_list=["food"],
    )
    factory.article(
        other,
        title="Dragons of the north",
        description="A bestiary",
        body="How to train your dragon, step by step. The dragon sleeps in winter.",
        tag_list=["dragons", "fantasy"],
    )
    factory.article(
        other,
        title="Gardening notes",
        description="Tomatoes and dragons",
        body="Your dragon fruit needs sun.",
        tag_list=["garden"],
    )
    return {"author": author, "other": other}


def test_words_in_any_order(client, library):
    assert titles(search_params(client, q="train dragon")) == ["Dragons of the north"]
    assert titles(search_params(client, q="dragon train")) == ["Dragons of the north"]


def test_stemming_and_accents(client, library):
    assert "Running a marathon" in titles(search_params(client, q="run"))
    assert titles(search_params(client, q="running marathon")) == ["Running a marathon"]
    assert titles(search_params(client, q="cafe")) == ["The best café in town"]
    assert titles(search_params(client, q="creme brulee")) == ["The best café in town"]


def test_phrase_and_exclusion(client, library):
    assert titles(search_params(client, q='"train your dragon"')) == ["Dragons of the north"]
    assert titles(search_params(client, q='"dragon your train"')) == []
    assert titles(search_params(client, q="dragon -fruit")) == ["Dragons of the north"]


def test_ordered_by_relevance_and_counted(client, library):
    data = search_params(client, q="dragons")
    # the title (and a tag) outweighs a description
    assert titles(data) == ["Dragons of the north", "Gardening notes"]
    assert data["articlesCount"] == 2
    page = search_params(client, q="dragons", limit=1, offset=1)
    assert titles(page) == ["Gardening notes"]
    assert page["articlesCount"] == 2


def test_tags_are_searched(client, library):
    assert titles(search_params(client, q="fantasy")) == ["Dragons of the north"]


def test_combines_with_filters(client, library, factory):
    assert titles(search_params(client, q="dragons", author="other", tag="garden")) == [
        "Gardening notes"
    ]
    assert titles(search_params(client, q="dragons", author="writer")) == []
    fan = factory.user("fan")
    slug = search_params(client, q="marathon")["articles"][0]["slug"]
    factory.favorite(fan, slug)
    assert titles(search_params(client, q="marathon", favorited="fan")) == ["Running a marathon"]
    assert titles(search_params(client, q="dragons", favorited="fan")) == []


def test_highlights_are_escaped_html_with_marks(client, factory):
    author = factory.user()
    factory.article(
        author,
        title="<script>alert(1)</script> dragon & co",
        description='Say "dragon" <b>loudly</b>',
        body="Nothing <i>here</i> but a dragon\ue000 and \ue001 markers.",
    )
    item = search_params(client, q="dragon")["articles"][0]
    highlight = item["highlight"]
    assert set(highlight) == {"title", "description", "body"}
    assert "<script>" not in highlight["title"]
    assert "&lt;script&gt;" in highlight["title"]
    assert "<mark>dragon</mark>" in highlight["title"]
    assert "&amp;" in highlight["title"]
    assert "<b>" not in highlight["description"]
    assert "<mark>dragon</mark>" in highlight["description"]
    for text in highlight.values():
        assert text.count("<mark>") == text.count("</mark>")
        stripped = text.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped
        assert "\ue000" not in text and "\ue001" not in text
    assert item["title"] == "<script>alert(1)</script> dragon & co"  # the data itself unchanged


def test_only_what_a_reader_may_see(client, factory):
    author = factory.user()
    factory.article(author, title="Secret dragon draft", status="draft")
    factory.article(author, title="Public dragon")
    assert titles(search_params(client, q="dragon")) == ["Public dragon"]
    # not even its author finds a draft by searching (lists show published articles only)
    assert titles(search_params(client, q="dragon", headers=author.headers)) == ["Public dragon"]


def test_every_write_keeps_the_index(client, app, factory, library):
    slug = search_params(client, q="gardening")["articles"][0]["slug"]
    response = client.put(
        f"/api/articles/{slug}",
        json={"article": {"title": "Orchard notes", "tagList": ["orchard"]}},
        headers=library["other"].headers,
    )
    assert response.status_code == 200
    slug = response.get_json()["article"]["slug"]  # a new title, a new slug
    assert titles(search_params(client, q="gardening")) == []
    assert titles(search_params(client, q="orchard")) == ["Orchard notes"]
    assert titles(search_params(client, q="garden")) == []  # the old tag is gone
    with app.app_context():  # a bare bulk statement, outside any service
        db.session.execute(
            update(Article).where(Article.title == "Orchard notes").values(body="Quinces")
        )
        db.session.execute(delete(article_tags))
        db.session.commit()
    assert titles(search_params(client, q="quince")) == ["Orchard notes"]
    assert titles(search_params(client, q="orchard")) == ["Orchard notes"]  # title still
    assert titles(search_params(client, q="fantasy")) == []
    assert (
        client.delete(f"/api/articles/{slug}", headers=library["other"].headers).status_code == 204
    )
    assert titles(search_params(client, q="quince")) == []


def test_without_q_nothing_changes(client, library):
    data = search_params(client)
    assert all("highlight" not in item for item in data["articles"])
    assert data["articlesCount"] == 4


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_blank_or_long_q_is_refused(client, q):
    response = client.get("/api/articles", query_string={"q": q})
    assert_error(response, 422, "q")


def test_nothing_to_look_for_matches_nothing(client, library):
    for q in ["***", "-dragon", '""', "-", "()"]:
        data = search_params(client, q=q)
        assert data == {"articles": [], "articlesCount": 0}


FUZZ_PIECES = [
    '"', "*", "-", "+", "(", ")", ":", "^", "~", "@", "<", ">", "NEAR", "NEAR/2", "AND", "OR",
    "NOT", "title:", "{", "}", "'", "\\", "%", "_", "&", "|", "!", ";", "--", "/*", "é", "ß",
    "日本", "🐉", "dragon", "train", "a", "the", " ", " ", "$1", "?", "\u200b", "ﬁ", "İ",
]  # fmt: skip


def test_any_text_is_searchable_without_error(client, library):
    rng = random.Random(12)
    for _ in range(300):
        q = "".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 12))).strip()
        if not q:
            continue
        response = client.get("/api/articles", query_string={"q": q[:200]})
        assert response.status_code == 200, (q, response.get_json())
        assert response.get_json()["articlesCount"] >= 0


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_search_costs_a_constant_number_of_queries(client, factory, count_queries, signed_in):
    """(The viewer,) the total and the page, anonymous; then (the viewer's flags); a repeat
    comes from the cache, but for the viewer's flags (the viewer is cached too)."""
    reader = factory.user()
    author = factory.user()
    for i in range(12):
        factory.article(author, title=f"Dragon number {i}", tag_list=["common", f"t{i}"])
    counts = []
    for _ in range(2):
        with count_queries() as queries:
            response = client.get(
                "/api/articles?q=dragon&limit=100", headers=reader.headers if signed_in else {}
            )
        assert response.status_code == 200
        assert len(response.get_json()["articles"]) == 12
        counts.append(queries.count)
    assert counts == ([4, 1] if signed_in else [2, 0])


def test_a_cached_search_shows_each_reader_their_own_flags(client, factory):
    author, fan, stranger = factory.user(), factory.user(), factory.user()
    slug = factory.article(author, title="Dragon keeping")
    factory.favorite(fan, slug)
    factory.follow(fan, author)

    def flags(headers):
        [article] = search_params(client, headers, q="dragon")["articles"]
        return article["favorited"], article["author"]["following"], article["favoritesCount"]

    assert flags(stranger.headers) == (False, False, 1)  # fills the cache
    assert flags(fan.headers) == (True, True, 1)
    assert flags(stranger.headers) == (False, False, 1)
    assert flags(None) == (False, False, 1)
    client.delete(f"/api/articles/{slug}/favorite", headers=fan.headers)
    assert flags(fan.headers) == (False, True, 0)  # the write replaced the cached page


def test_the_document_names_q_and_highlight(client, library):
    spec = client.get("/api/openapi.json").get_json()
    parameters = spec["paths"]["/api/articles"]["get"]["parameters"]
    assert "q" in {parameter["name"] for parameter in parameters}
    data = search_params(client, q="dragon")
    assert data["articles"] and "highlight" in data["articles"][0]
    validator(spec, documented(spec, "GET", "/api/articles", 200)).validate(data)


# --- the query language and the highlighter, without a database ------------------------------


def test_what_readers_type_becomes_words_phrases_and_exclusions():
    query = search.parse('dragon "train your" -fruit -"big cat" NEAR(a,b) title:x "open')
    assert query.words == ["dragon", "NEAR", "a", "b", "title", "x", "open"]
    assert query.phrases == [["train", "your"]]
    assert query.excluded == ["fruit", "big", "cat"]
    assert search.parse("-only -excluded").empty
    assert search.parse('*** "" ( )').empty


def test_each_engine_gets_only_quoted_words():
    query = search.parse('or "a b" -not')
    assert search.fts5_query(query) == '("or" AND "a b") NOT "not"'
    assert search.websearch_query(query) == '"or" "a b" -"not"'
    assert search.boolean_mode_query(search.parse("running dragons -fruit")) == (
        "+run* +dragon* -fruit"
    )
    assert search.boolean_mode_query(search.parse("the")) == "+the*"  # only a stop word


def test_marks_are_balanced_and_everything_else_escaped():
    start, stop = search.START, search.STOP
    html = search.marked_html(f"<a href='x'>{start}hit{stop} & {stop}{start}{start}open")
    assert html == "&lt;a href=&#x27;x&#x27;&gt;<mark>hit</mark> &amp; <mark>open</mark>"
    assert search.marked_html(None) == ""


def test_the_python_highlighter_folds_case_accents_and_endings():
    query = search.parse("cafe running")
    marked = search.python_highlight("Le Café, where I ran and was Running.", query, None)
    assert search.marked_html(marked) == (
        "Le <mark>Café</mark>, where I ran and was <mark>Running</mark>."
    )
    long = " ".join(["word"] * 100 + ["café"] + ["word"] * 100)
    snippet = search.marked_html(search.python_highlight(long, query, 10))
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>café</mark>" in snippet
