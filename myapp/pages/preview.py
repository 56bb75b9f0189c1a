"""The editor's preview: the article as readers will see it, rendered and sanitized exactly as
it would be saved, and nothing saved.

Without JavaScript the editor's "Preview" button posts the whole form here (``formaction``) and
gets the editor back with every field as typed and the preview beside it. ``static/editor.js``
posts the same form as the writer types, with ``X-Requested-With: fetch``, and gets only the
body's HTML (or, with a 422, the message saying what is wrong with it) to put in the preview.
"""

from types import SimpleNamespace
from typing import Any

from flask import request
from flask_login import current_user, login_required

from myapp import limits
from myapp.articles import services as articles
from myapp.articles.markdown import render_markdown
from myapp.articles.models import Article
from myapp.articles.schemas import ArticleUpdateSchema
from myapp.errors import Invalid
from myapp.forms import load_form
from myapp.pages import bp
from myapp.pages.articles import article_form, render_editor

FRAGMENT_HEADER = ("X-Requested-With", "fetch")


@bp.post("/editor/preview")
@limits.preview
@login_required
def preview_new_article() -> Any:
    return preview(None)


@bp.post("/editor/<slug>/preview")
@limits.preview
@login_required
def preview_article(slug: str) -> Any:
    return preview(articles.get_own_article(current_user, slug))


def preview(article: Article | None) -> Any:
    # The rules a save would apply (lengths, characters, tags), none of them "required": a
    # half-written article can be previewed.
    data, errors = load_form(ArticleUpdateSchema(), article_form(request.form))
    body_html = ""
    if "body" not in errors:  # the body as the schema reads it, whatever the other fields say
        body, _ = load_form(ArticleUpdateSchema(only=("body",)), {"body": request.form.get("body")})
        try:
            body_html = render_markdown(body["body"]) if body and body.get("body") else ""
        except Invalid as error:  # too costly to render: the message goes beside the body
            errors = {**errors, **error.messages}
    status = 422 if errors else 200
    if request.headers.get(FRAGMENT_HEADER[0]) == FRAGMENT_HEADER[1]:
        if "body" in errors:
            return f"Body {errors['body'][0]}", 422, {"Content-Type": "text/plain; charset=utf-8"}
        return body_html, 200, {"Content-Type": "text/html; charset=utf-8"}
    shown = SimpleNamespace(
        title=request.form.get("title", "").strip(),
        description=request.form.get("description", "").strip(),
        body_html=body_html,
    )
    return render_editor(request.form, errors, article, status=status, preview=shown)
