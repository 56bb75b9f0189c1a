"""The JSON builders generated from the schemas (myapp/serialization.py) are exactly the
schemas' own dump, field for field."""

import pytest
from marshmallow import Schema, fields

from myapp.api.schemas import (
    ArticleBody,
    ArticleListBody,
    CommentListBody,
    ProfileBody,
    UserBody,
    article_body,
    articles_body,
    comments_body,
    profile_body,
    user_body,
)
from myapp.articles import services as articles
from myapp.serialization import dumper
from myapp.users import services as users
from myapp.users.tokens import issue_token, read_token


def test_article_list_and_article(ctx, factory):
    plain = factory.user("plain")
    fancy = factory.user("fancy", bio="Bio", image="https://example.com/a.png")
    slug = factory.article(fancy, tag_list=["b", "a"], body="**Body**")
    factory.article(plain)
    factory.favorite(plain, slug)
    factory.follow(plain, fancy)
    for viewer in (None, users.get_user(plain.id), users.get_user(fancy.id)):
        page = articles.list_articles(viewer)
        documented = ArticleListBody().dump(
            {"articles": page.articles, "articles_count": page.total}
        )
        assert articles_body(page) == documented
        assert "body" not in articles_body(page)["articles"][0]
        article = articles.get_article(slug, viewer)
        assert article_body(article) == ArticleBody().dump({"article": article})
        assert article_body(article)["article"]["tagList"] == ["a", "b"]


def test_comments_and_profiles(ctx, factory):
    author, reader = factory.user("author", bio="Hi"), factory.user("reader")
    slug = factory.article(author)
    factory.comment(author, slug, "First")
    factory.follow(reader, author)
    for viewer in (None, users.get_user(reader.id)):
        comments = articles.list_comments(slug, viewer)
        assert comments_body(comments) == CommentListBody().dump({"comments": comments})
        profile = users.get_profile("author", viewer)
        assert profile_body(profile) == ProfileBody().dump({"profile": profile})


def test_user(ctx, factory):
    account = factory.user("someone", bio="Bio")
    user = users.get_user(account.id)
    token = issue_token(user)
    names = ("email", "username", "bio", "image", "notifications")
    fields_ = {name: getattr(user, name) for name in names}
    built, documented = (
        user_body(user, token),
        UserBody().dump({"user": fields_ | {"token": token}}),
    )
    assert built == documented
    assert read_token(built["user"]["token"]).user_id == user.id


def test_a_field_type_without_a_rule_is_refused_not_guessed():
    class Odd(Schema):
        when = fields.Date()

    with pytest.raises(TypeError, match="no rule for Date"):
        dumper(Odd)
