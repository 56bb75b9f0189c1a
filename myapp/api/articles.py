"""Articles: lists, the feed, one article, writing and favoriting."""

from typing import Any

from flask import Response
from flask_login import current_user

from myapp import limits
from myapp.api import bp, cached_json, json_response, token_optional, token_required
from myapp.api.schemas import (
    ArticleBody,
    ArticleCreateBody,
    ArticleListBody,
    ArticleSearchListBody,
    ArticleUpdateBody,
    article_body,
    article_item_body,
    article_items_body,
    articles_body,
    search_body,
)
from myapp.articles import services as articles
from myapp.articles.schemas import ArticleQuerySchema, OwnArticlesQuerySchema, PageQuerySchema
from myapp.authentication import viewer

TAGS = ["Articles"]


@bp.get("/articles")
@token_optional
@bp.arguments(ArticleQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, ArticleSearchListBody)
@bp.doc(tags=TAGS)
def list_articles(**query: Any) -> Response:
    """Newest articles, filtered by tag, author or favoriting user; with `q`, the articles
    matching it (words, "exact phrases", -excluded words), most relevant first, each with a
    `highlight` (HTML snippets, escaped, matches in `<mark>`)"""
    if "q" in query:
        return json_response(search_body(articles.search_articles(viewer(), **query)))
    if viewer() is None:  # the same for every anonymous reader: cached
        return cached_json(
            "api:articles",
            lambda: articles_body(articles.list_articles(None, **query)),
            sorted(query.items()),
        )
    return json_response(article_items_body(articles.list_article_items(viewer(), **query)))


@bp.get("/articles/feed")
@token_required
@bp.arguments(PageQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, ArticleListBody)
@bp.doc(tags=TAGS)
def feed(**query: Any) -> Response:
    """Newest articles by the users the signed-in user follows"""
    return json_response(article_items_body(articles.feed_items(current_user, **query)))


@bp.get("/user/articles")
@token_required
@bp.arguments(OwnArticlesQuerySchema(), location="query", as_kwargs=True)
@bp.response(200, ArticleListBody)
@bp.doc(tags=TAGS)
def own_articles(**query: Any) -> Response:
    """Your own articles, drafts and scheduled ones included (filter with `status`), last
    edited first"""
    return json_response(articles_body(articles.own_articles(current_user, **query)))


@bp.post("/articles")
@limits.new_article
@token_required
@bp.arguments(ArticleCreateBody())
@bp.response(201, ArticleBody)
@bp.doc(tags=TAGS)
def create(body: dict[str, Any]) -> Response:
    """Publish an article; or keep it a draft (`"status": "draft"`), or schedule it (a future
    `publishAt` with a UTC offset)"""
    return json_response(article_body(articles.create_article(current_user, body["article"])), 201)


@bp.get("/articles/<slug>")
@token_optional
@bp.response(200, ArticleBody)
@bp.doc(tags=TAGS)
def get(slug: str) -> Response:
    """One article, with its body"""
    reader = viewer()
    if reader is None:
        return cached_json(
            "api:article", lambda: article_body(articles.get_article(slug, None)), slug
        )
    row = articles.listed_article_flags(slug, reader)

    def body() -> dict[str, Any]:
        return article_item_body(articles.article_item(slug, reader, row))

    if row is None:
        return json_response(body())
    # The same JSON for every reader with the same flags on this article.
    flags = (bool(row.favorited), bool(row.following))
    return cached_json("api:article-item", body, row.id, *flags)


@bp.get("/articles/<slug>/related")
@token_optional
@bp.response(200, ArticleListBody)
@bp.doc(tags=TAGS)
def related(slug: str) -> Response:
    """Up to five articles to read next: the most similar by their words and tags, or, until
    the worker has compared this one, those sharing the most tags with it"""
    if viewer() is None:
        return cached_json(
            "api:related", lambda: articles_body(articles.related_articles(slug, None)), slug
        )
    return json_response(articles_body(articles.related_articles(slug, viewer())))


@bp.put("/articles/<slug>")
@token_required
@bp.arguments(ArticleUpdateBody())
@bp.response(200, ArticleBody)
@bp.doc(tags=TAGS)
def update(body: dict[str, Any], slug: str) -> Response:
    """Edit your article; a new title gives it a new slug. `status` and `publishAt` change
    whether and when it is published"""
    return json_response(article_body(articles.update_article(current_user, slug, body["article"])))


@bp.post("/articles/<slug>/publish")
@token_required
@bp.response(200, ArticleBody)
@bp.doc(tags=TAGS)
def publish(slug: str) -> Response:
    """Publish your draft or scheduled article now"""
    return json_response(article_body(articles.publish(current_user, slug)))


@bp.delete("/articles/<slug>")
@token_required
@bp.response(204)
@bp.doc(tags=TAGS)
def delete(slug: str) -> None:
    """Delete your article, with its comments and favorites"""
    articles.delete_article(current_user, slug)


@bp.post("/articles/<slug>/favorite")
@token_required
@bp.response(200, ArticleBody)
@bp.doc(tags=["Favorites"])
def favorite(slug: str) -> Response:
    """Favorite an article"""
    return json_response(article_body(articles.favorite(current_user, slug)))


@bp.delete("/articles/<slug>/favorite")
@token_required
@bp.response(200, ArticleBody)
@bp.doc(tags=["Favorites"])
def unfavorite(slug: str) -> Response:
    """Take back a favorite"""
    return json_response(article_body(articles.unfavorite(current_user, slug)))
