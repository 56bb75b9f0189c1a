"""Comments on an article: list, add, edit and delete yours."""

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_login import current_user

from myapp import limits
from myapp.api import bp, cached_json, json_response, token_optional, token_required
from myapp.api.schemas import (
    CommentBody,
    CommentCreateBody,
    CommentListBody,
    comment_body,
    comment_items_body,
    comments_body,
)
from myapp.articles import services as articles
from myapp.authentication import viewer

TAGS = ["Comments"]


@bp.get("/articles/<slug>/comments")
@token_optional
@bp.response(200, CommentListBody)
@bp.doc(tags=TAGS)
def list_comments(slug: str) -> Response:
    """An article's comments, oldest first"""
    reader = viewer()
    if reader is None:
        return json_response(comments_body(articles.list_comments(slug, None)))
    comments = articles.list_comment_flags(slug, reader)
    # The same JSON for every reader who sees these comments and follows the same authors.
    return cached_json(
        "api:comments", lambda: comment_items_body(comments.items()), comments.shown()
    )


@bp.post("/articles/<slug>/comments")
@limits.new_comment
@token_required
@bp.arguments(CommentCreateBody())
@bp.response(200, CommentBody)
@bp.doc(tags=TAGS)
def create(body: dict[str, Any], slug: str) -> Response:
    """Comment on an article"""
    comment = articles.add_comment(current_user, slug, body["comment"]["body"])
    return json_response(comment_body(comment))


# One rule for both methods: werkzeug checks a rule's methods before its converter, so with a rule
# per method an id past INTEGER's range would answer 405 ("use the other method") instead of 404.
@bp.route("/articles/<slug>/comments/<int(max=2147483647):comment_id>")  # ids fit an INTEGER
class OneComment(MethodView):
    @token_required
    @bp.arguments(CommentCreateBody())  # the same rules as a new comment's
    @bp.response(200, CommentBody)
    @bp.doc(tags=TAGS)
    def put(self, body: dict[str, Any], slug: str, comment_id: int) -> Response:
        """Edit your comment (beyond RealWorld): its `updatedAt` becomes the time of the edit"""
        comment = articles.edit_comment(current_user, slug, comment_id, body["comment"]["body"])
        return json_response(comment_body(comment))

    @token_required
    @bp.response(204)
    @bp.doc(tags=TAGS)
    def delete(self, slug: str, comment_id: int) -> None:
        """Delete your comment"""
        articles.delete_comment(current_user, slug, comment_id)
