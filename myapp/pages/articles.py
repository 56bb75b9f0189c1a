"""Home with its feeds, the article page, the editor, favorites and deletion."""

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from myapp import limits
from myapp.articles import services as articles
from myapp.articles.models import Article
from myapp.articles.schemas import ArticleCreateSchema, ArticleUpdateSchema
from myapp.authentication import viewer
from myapp.forms import Errors, load_form, redirect_back, split_tags
from myapp.pages import bp


def page_number() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return max(1, min(page, 100_000))


def paging() -> dict[str, int]:
    size = current_app.config["PAGE_SIZE"]
    return {"limit": size, "offset": (page_number() - 1) * size}


@bp.get("/")
def home() -> str:
    tab = request.args.get("tab", "global")
    tag = (request.args.get("tag") or "").strip() or None
    if tag:
        tab = "tag"
    elif tab == "yours" and viewer() is None:
        tab = "global"
    if tab == "yours":
        listing = articles.feed(current_user, **paging())
    else:
        listing = articles.list_articles(viewer(), tag=tag if tab == "tag" else None, **paging())
    # The page links carry only these, never the raw query (see the pagination macro).
    page_params = {"tag": tag} if tab == "tag" else {"tab": tab} if tab == "yours" else {}
    return render_template(
        "pages/home.html",
        tab=tab,
        tag=tag,
        listing=listing,
        page=page_number(),
        page_params=page_params,
        tags=articles.popular_tags(current_app.config["POPULAR_TAGS_LIMIT"]),
    )


def render_article(slug: str, comment_form: dict[str, Any] | None = None, errors=None):
    article = articles.get_article(slug, viewer())
    comments = articles.list_comments(slug, viewer())
    return render_template(
        "pages/article.html",
        article=article,
        comments=comments,
        comment_form=comment_form or {},
        errors=errors or {},
    )


@bp.get("/article/<slug>")
def article(slug: str) -> str:
    return render_article(slug)


def article_form(form: Any) -> dict[str, Any]:
    """The editor's fields in the API's shape: tags typed into one field become ``tagList``."""
    data = {key: form[key] for key in ("title", "description", "body") if key in form}
    if "tags" in form:
        data["tagList"] = split_tags(form["tags"])
    return data


def render_editor(form: Any, errors: Errors, article: Article | None = None, status: int = 200):
    # The schema speaks of ``tagList``; the form has one "tags" field.
    if "tagList" in errors:
        errors = {**errors, "tags": errors.pop("tagList")}
    return render_template("pages/editor.html", form=form, errors=errors, article=article), status


@bp.route("/editor", methods=["GET", "POST"])
@limits.new_article
@login_required
def new_article() -> Any:
    if request.method == "GET":
        return render_editor({}, {})
    data, errors = load_form(ArticleCreateSchema(), article_form(request.form))
    if data is None:
        return render_editor(request.form, errors, status=422)
    created = articles.create_article(current_user, data)
    flash("Your article is published.", "success")
    return redirect(url_for("pages.article", slug=created.slug))


@bp.route("/editor/<slug>", methods=["GET", "POST"])
@login_required
def edit_article(slug: str) -> Any:
    existing = articles.get_own_article(current_user, slug)
    if request.method == "GET":
        form = {
            "title": existing.title,
            "description": existing.description,
            "body": existing.body,
            "tags": " ".join(existing.tag_list),
        }
        return render_editor(form, {}, existing)
    data, errors = load_form(ArticleUpdateSchema(), article_form(request.form))
    if data is None:
        return render_editor(request.form, errors, existing, status=422)
    updated = articles.update_article(current_user, slug, data)
    flash("Your article is updated.", "success")
    return redirect(url_for("pages.article", slug=updated.slug))


@bp.post("/article/<slug>/delete")
@login_required
def delete_article(slug: str) -> Response:
    articles.delete_article(current_user, slug)
    flash("Your article is deleted.", "info")
    return redirect(url_for("pages.home"))


@bp.post("/article/<slug>/favorite")
@login_required
def favorite(slug: str) -> Response:
    articles.favorite(current_user, slug)
    return redirect_back(url_for("pages.article", slug=slug))


@bp.post("/article/<slug>/unfavorite")
@login_required
def unfavorite(slug: str) -> Response:
    articles.unfavorite(current_user, slug)
    return redirect_back(url_for("pages.article", slug=slug))
