"""Comments: the list, a comment's page, hiding and unhiding (all staff)."""

from flask import render_template, url_for
from werkzeug.wrappers import Response

from myapp.admin import bp
from myapp.admin.views import act, actor, choice, page_number, search_text
from myapp.moderation import queries
from myapp.moderation import services as moderation
from myapp.moderation.schemas import ActionReasonSchema


@bp.get("/comments")
def comments() -> str:
    filters = {"q": search_text(), "state": choice("state", queries.CONTENT_STATES)}
    listing = queries.comments_page(actor(), page=page_number(), **filters)
    return render_template("admin/comments.html", listing=listing, filters=filters)


# Ids fit an INTEGER on every database: a larger number is a 404, not a database error.
@bp.get("/comments/<int(max=2147483647):comment_id>")
def comment(comment_id: int) -> str:
    detail = queries.comment_detail(actor(), comment_id)
    return render_template("admin/comment.html", detail=detail, comment=detail.row)


@bp.post("/comments/<int(max=2147483647):comment_id>/hide")
def hide_comment(comment_id: int) -> Response:
    def change(data: dict) -> str:
        moderation.hide_comment(actor(), comment_id, data["reason"])
        return f"Comment {comment_id} is hidden; its open reports are resolved."

    return act(ActionReasonSchema(), change, url_for("admin.comment", comment_id=comment_id))


@bp.post("/comments/<int(max=2147483647):comment_id>/unhide")
def unhide_comment(comment_id: int) -> Response:
    def change(_: dict) -> str:
        moderation.unhide_comment(actor(), comment_id)
        return f"Comment {comment_id} is visible again."

    return act(None, change, url_for("admin.comment", comment_id=comment_id))
