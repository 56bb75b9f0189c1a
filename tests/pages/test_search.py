"""The search page and the search box in every page's header."""

import re

import pytest


def text(response) -> str:
    return response.get_data(as_text=True)


def result_titles(response) -> list[str]:
    found = re.findall(
        r'<article class="article-preview search-result"[^>]*>.*?<h2>(.*?)</h2>',
        text(response),
        re.S,
    )
    return [re.sub(r"</?mark>", "", title) for title in found]


def test_every_page_has_a_search_box(pages, factory):
    for url in ["/", "/login", "/search"]:
        page = text(pages.get(url))
        assert 'action="/search"' in page
        assert 'role="search"' in page and 'name="q"' in page
    pages.login(factory.user())
    assert 'action="/search"' in text(pages.get("/settings"))


def test_results_with_highlighted_snippets_and_total(pages, factory):
    author = factory.user()
    factory.article(author, title="Dragons <b>of</b> the north", body="Train your dragon.")
    factory.article(author, title="Gardening", description="Not about that")
    response = pages.get("/search?q=dragon")
    assert response.status_code == 200
    page = text(response)
    assert "1 article found for “dragon”" in page
    assert "<mark>Dragons</mark> &lt;b&gt;of&lt;/b&gt; the north" in page
    assert "<b>of</b>" not in page
    assert "Train your <mark>dragon</mark>" in page
    assert 'value="dragon"' in page  # the query stays in the boxes


def test_empty_state_says_what_was_searched(pages, factory):
    factory.article(factory.user(), title="Something")
    page = text(pages.get("/search?q=%3Cunicorns%3E"))
    assert "No articles found for “&lt;unicorns&gt;”" in page
    assert "<unicorns>" not in page


def test_blank_search_shows_the_form(pages):
    response = pages.get("/search?q=+++")
    assert response.status_code == 200
    assert "found for" not in text(response)
    assert pages.get("/search").status_code == 200


def test_too_long_a_search_is_explained(pages):
    response = pages.get("/search?q=" + "x" * 201)
    assert response.status_code == 400
    assert "too long" in text(response)


def test_pagination_keeps_the_query(app, pages, factory):
    author = factory.user()
    size = app.config["PAGE_SIZE"]
    for n in range(size + 2):
        factory.article(author, title=f"Dragon number {n}")
    first = pages.get("/search?q=dragon")
    assert len(result_titles(first)) == size
    assert "/search?page=2&amp;q=dragon" in text(first) or "/search?q=dragon&amp;page=2" in text(
        first
    )
    second = pages.get("/search?q=dragon&page=2")
    assert len(result_titles(second)) == 2
    assert f"{size + 2} articles found" in text(second)
    assert pages.get("/search?q=dragon&page=abc").status_code == 200


def test_drafts_are_not_found(pages, factory):
    author = factory.user()
    factory.article(author, title="Hidden dragon", status="draft")
    pages.login(author)
    assert result_titles(pages.get("/search?q=dragon")) == []


@pytest.mark.parametrize("q", ['"unclosed', "NEAR(a b)", "-", "*", "a:b ^c ~d", "((", "🐉 AND OR"])
def test_odd_queries_never_fail(pages, q):
    assert pages.get("/search", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_search_page_costs_a_constant_number_of_queries(
    app, pages, factory, count_queries, signed_in
):
    reader, author = factory.user(), factory.user()
    for n in range(app.config["PAGE_SIZE"] + 2):
        factory.article(author, title=f"Dragon number {n}", tag_list=["common", f"t{n}"])
    if signed_in:
        pages.login(reader)
    counts = []
    for _ in range(2):  # the second from the cache, but for the viewer's flags
        with count_queries() as queries:
            response = pages.get("/search?q=dragon")
        assert response.status_code == 200
        counts.append(queries.count)
    # (viewer,) total, page, (the viewer's flags); the second: the flags (viewer and page cached)
    assert counts == ([4, 1] if signed_in else [2, 0]), queries.statements


def test_a_page_past_the_end_links_to_the_last(app, pages, factory):
    author = factory.user()
    for n in range(app.config["PAGE_SIZE"] + 1):
        factory.article(author, title=f"Dragon number {n}")
    assert pages.get("/search?q=dragon&page=2").status_code == 200
    past = pages.get("/search?q=dragon&page=3")
    assert past.status_code == 404
    assert "There is no page 3 here: this list has 2 pages." in text(past)
    assert "Go to page 2</a>" in text(past) and "q=dragon" in text(past)
