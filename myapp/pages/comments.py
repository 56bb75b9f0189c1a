"""Commenting on an article, and deleting your comments."""

from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from myapp import limits
from myapp.articles import services as articles
from myapp.articles.schemas import CommentCreateSchema
from myapp.forms import load_form
from myapp.pages import bp
from myapp.pages.articles import render_article


@bp.post("/article/<slug>/comments")
@limits.new_comment
@login_required
def add_comment(slug: str) -> Any:
    data, errors = load_form(CommentCreateSchema(), request.form)
    if data is None:
        return render_article(slug, comment_form=request.form, errors=errors), 422
    comment = articles.add_comment(current_user, slug, data["body"])
    flash("Your comment is posted.", "success")
    return redirect(url_for("pages.article", slug=slug, _anchor=f"comment-{comment.id}"))


@bp.post("/article/<slug>/comments/<int(max=2147483647):comment_id>/delete")
@login_required
def delete_comment(slug: str, comment_id: int) -> Response:
    articles.delete_comment(current_user, slug, comment_id)
    flash("Your comment is deleted.", "info")
    return redirect(url_for("pages.article", slug=slug, _anchor="comments"))
