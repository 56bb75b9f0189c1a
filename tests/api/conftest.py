"""Fixtures for the API tests."""

import pytest


@pytest.fixture
def world(factory):
    """A reader who follows an author with an article that has a comment."""
    author = factory.user("author")
    reader = factory.user("reader")
    slug = factory.article(author, tag_list=["dragons"])
    comment_id = factory.comment(reader, slug)
    factory.follow(reader, author)
    return {"author": author, "reader": reader, "slug": slug, "comment_id": comment_id}
