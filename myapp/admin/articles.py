"""Articles in every state: the list, an article's page, hiding and unhiding (all staff)."""

from flask import render_template, url_for
from werkzeug.wrappers import Response

from myapp.admin import bp
from myapp.admin.views import act, actor, choice, page_number, search_text
from myapp.articles.models import STATUSES
from myapp.moderation import queries
from myapp.moderation import services as moderation
from myapp.moderation.schemas import ActionReasonSchema


@bp.get("/articles")
def articles() -> str:
    filters = {
        "q": search_text(),
        "state": choice("state", queries.CONTENT_STATES),
        "status": choice("status", STATUSES),
    }
    listing = queries.articles_page(actor(), page=page_number(), **filters)
    return render_template(
        "admin/articles.html", listing=listing, filters=filters, statuses=STATUSES
    )


@bp.get("/articles/<slug>")
def article(slug: str) -> str:
    detail = queries.article_detail(actor(), slug)
    return render_template("admin/article.html", detail=detail, article=detail.row)


@bp.post("/articles/<slug>/hide")
def hide_article(slug: str) -> Response:
    def change(data: dict) -> str:
        hidden = moderation.hide_article(actor(), slug, data["reason"])
        return f"“{hidden.title}” is hidden; its open reports are resolved."

    return act(ActionReasonSchema(), change, url_for("admin.article", slug=slug))


@bp.post("/articles/<slug>/unhide")
def unhide_article(slug: str) -> Response:
    def change(_: dict) -> str:
        shown = moderation.unhide_article(actor(), slug)
        return f"“{shown.title}” is visible again."

    return act(None, change, url_for("admin.article", slug=slug))
