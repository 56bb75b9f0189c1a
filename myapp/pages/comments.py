"""Commenting on an article, and editing and deleting your comments."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from myapp import limits
from myapp.articles import services as articles
from myapp.articles.schemas import CommentCreateSchema
from myapp.forms import load_form
from myapp.pages import bp
from myapp.pages.articles import render_article

COMMENT_ID = "<int(max=2147483647):comment_id>"  # ids fit an INTEGER


# The form posts to the article's own address with the "#new-comment" fragment: a comment with
# errors is shown again there, and the browser keeps the fragment and scrolls to the form,
# instead of landing on another URL at the top of a long page. The old address, where a form
# loaded before this change still posts, works the same way.
@bp.post("/article/<slug>/comments", endpoint="add_comment")
@bp.post("/article/<slug>", endpoint="add_comment")  # registered first: url_for builds this one
@limits.new_comment
@login_required
def add_comment(slug: str) -> Any:
    data, errors = load_form(CommentCreateSchema(), request.form)
    if data is None:
        return render_article(slug, comment_form=request.form, errors=errors), 422
    comment = articles.add_comment(current_user, slug, data["body"])
    flash("Your comment is posted.", "success")
    return redirect(url_for("pages.article", slug=slug, _anchor=f"comment-{comment.id}"))


@bp.route(f"/article/<slug>/comments/{COMMENT_ID}/edit", methods=["GET", "POST"])
@login_required
def edit_comment(slug: str, comment_id: int) -> Any:
    def form_page(form: Any | None, errors: dict[str, list[str]], status: int = 200) -> Any:
        comment = articles.get_own_comment(current_user, slug, comment_id)
        form = {"body": comment.body} if form is None else form
        page = render_template(
            "pages/comment_edit.html", slug=slug, comment=comment, form=form, errors=errors
        )
        return page, status

    if request.method == "GET":
        return form_page(None, {})
    data, errors = load_form(CommentCreateSchema(), request.form)
    if data is None:
        return form_page(request.form, errors, 422)
    articles.edit_comment(current_user, slug, comment_id, data["body"])
    flash("Your comment is saved.", "success")
    return redirect(url_for("pages.article", slug=slug, _anchor=f"comment-{comment_id}"))


@bp.post(f"/article/<slug>/comments/{COMMENT_ID}/delete")
@login_required
def delete_comment(slug: str, comment_id: int) -> Any:
    """Two steps, so that a comment is never deleted by one click without JavaScript: a post
    without ``confirm=yes`` answers a page that asks (app.js asks with window.confirm instead,
    and adds ``confirm=yes`` when the answer is yes)."""
    if request.form.get("confirm") != "yes":
        comment = articles.get_own_comment(current_user, slug, comment_id)
        return render_template(
            "pages/confirm_delete.html",
            title="Delete your comment?",
            question="Delete your comment?",
            quote=comment.body,
            consequence="It is removed from the article for good.",
            action=url_for("pages.delete_comment", slug=slug, comment_id=comment_id),
            fields={"confirm": "yes"},
            cancel_url=url_for("pages.article", slug=slug, _anchor=f"comment-{comment_id}"),
        )
    articles.delete_comment(current_user, slug, comment_id)
    flash("Your comment is deleted.", "info")
    return redirect(url_for("pages.article", slug=slug, _anchor="comments"))
