"""The pages keep the API's query budget: constant whatever the page size and dataset."""

import pytest


@pytest.fixture
def world(app, factory):
    def build(size: int):
        reader = factory.user("reader")
        author = factory.user("author")
        slug = None
        for i in range(size):
            slug = factory.article(author, tag_list=["common", f"tag{i}"])
            factory.favorite(reader, slug)
            factory.comment(author, slug)
            factory.comment(reader, slug)
        factory.follow(reader, author)
        return reader, slug

    return build


# (path, signed in?, statements) on a cold cache.
BUDGET = [
    # session user, count, page, popular tags
    ("/", False, 3),
    # A reader's list: the ids they favorited and follow, the page's ids, then the articles
    # of the previews not in the cache (here, on a cold cache, all of them; none once
    # cached: tests/pages/test_fragments.py).
    ("/", True, 6),
    ("/?tab=yours", True, 6),
    ("/?tag=common", True, 6),
    # session user, article, the article listed under the slug and the comments' ids (both
    # cached), the comments, read next (a reader's last two only for cards not in the cache).
    # A reader's: their flags, the article listed under the slug, the article as everyone sees
    # it, then the same (staff: the comments' ids with their flags, tests/moderation/).
    ("/article/{slug}", False, 5),
    ("/article/{slug}", True, 7),
    # session user, profile, count, page (a reader's: flags, the profile as everyone sees it,
    # the page's ids, then articles)
    ("/profile/{author}", False, 3),
    ("/profile/{author}", True, 6),
    ("/profile/reader/favorites", True, 6),
]


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize(("path", "signed_in", "budget"), BUDGET)
def test_pages_run_a_constant_number_of_queries(
    pages, world, count_queries, size, path, signed_in, budget
):
    reader, slug = world(size)
    if signed_in:
        pages.login(reader)
    with count_queries() as queries:
        response = pages.get(path.format(slug=slug, author="author"))
    assert response.status_code == 200
    assert queries.count == budget, queries.statements


@pytest.mark.parametrize("path", ["/", "/?tag=common", "/article/{slug}", "/profile/author"])
def test_a_signed_in_readers_next_page_load_runs_no_sql(pages, world, count_queries, path):
    """The session's user, their flags, the article or profile as everyone sees it, the page's
    ids and every fragment are cached until the next write."""
    reader, slug = world(12)
    pages.login(reader)
    url = path.format(slug=slug)
    assert pages.get(url).status_code == 200
    with count_queries() as queries:
        assert pages.get(url).status_code == 200
    assert queries.count == 0, queries.statements
