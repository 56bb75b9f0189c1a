"""The article page's "Read next": the related articles the worker computed (in eager mode
here, as each article is published), with links to them and their authors."""

import re

from tests.pages.conftest import text


def read_next(response) -> list[str]:
    page = text(response)
    if 'id="read-next-heading"' not in page:
        return []
    section = page.split('id="read-next-heading"')[1].split("</aside>")[0]
    return re.findall(r'<a class="read-next-title" href="/article/([^"]+)">', section)


def article(factory, author, title, body):
    return factory.article(author, title=title, description=title, body=body)


def test_an_article_page_suggests_similar_articles(pages, factory):
    author = factory.user("baker")
    loaf = article(factory, author, "Sourdough loaf", "Sourdough levain, flour, bake.")
    rye = article(factory, author, "Rye sourdough", "Rye flour and a sourdough levain.")
    article(factory, author, "Saturn tonight", "A telescope shows Saturn's rings.")

    response = pages.get(f"/article/{loaf}")

    assert read_next(response) == [rye]
    section = text(response).split('id="read-next-heading"')[1]
    assert 'href="/profile/baker"' in section and "min read" in section


def test_no_section_when_there_is_nothing_to_suggest(pages, factory):
    author = factory.user()
    lonely = article(factory, author, "Saturn tonight", "A telescope shows rings.")
    article(factory, author, "Sourdough loaf", "Levain, flour, bake.")

    assert read_next(pages.get(f"/article/{lonely}")) == []
    assert "Read next" not in text(pages.get(f"/article/{lonely}"))
