"""The fast JSON builders are exactly the documented marshmallow schemas, field for field."""

from myapp.api.schemas import (
    ArticleBody,
    ArticleListBody,
    CommentListBody,
    UserBody,
    article_body,
    articles_body,
)
from myapp.articles import services as articles
from myapp.articles.schemas import comment_json
from myapp.users import services as users
from myapp.users.schemas import ProfileSchema, profile_json, user_json
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


def test_comments_and_profiles(ctx, factory):
    author, reader = factory.user("author", bio="Hi"), factory.user("reader")
    slug = factory.article(author)
    factory.comment(author, slug, "First")
    factory.follow(reader, author)
    for viewer in (None, users.get_user(reader.id)):
        comments = articles.list_comments(slug, viewer)
        documented = CommentListBody().dump({"comments": comments})
        assert {"comments": [comment_json(c) for c in comments]} == documented
        profile = users.get_profile("author", viewer)
        assert profile_json(profile) == ProfileSchema().dump(profile)


def test_user(ctx, factory):
    account = factory.user("someone", bio="Bio")
    user = users.get_user(account.id)
    token = issue_token(user)
    fields = {name: getattr(user, name) for name in ("email", "username", "bio", "image")}
    built, documented = user_json(user, token), UserBody().dump({"user": fields | {"token": token}})
    assert built == documented["user"]
    assert read_token(built["token"]).user_id == user.id
