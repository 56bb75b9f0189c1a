"""The search page: /search?q=words&page=2, the articles matching ``q`` by relevance, with
highlighted snippets. The header of every page carries its form (a plain GET: no JavaScript)."""

from flask import current_app, render_template, request
from marshmallow import ValidationError

from myapp.articles import services as articles
from myapp.articles.schemas import ArticleQuerySchema
from myapp.authentication import viewer
from myapp.pages import bp
from myapp.pages.articles import page_number, paging, require_page


@bp.get("/search")
def search() -> tuple[str, int]:
    q = request.args.get("q", "")
    try:
        query = ArticleQuerySchema().load({"q": q})
    except ValidationError as error:
        # Blank: just the form. Too long or unreadable: said next to the form.
        blank = not q.strip()
        message = None if blank else " ".join(error.normalized_messages().get("q", []))
        status = 200 if blank else 400
        return render_template("pages/search.html", q=q, error=message, listing=None), status
    listing = articles.search_articles(viewer(), query["q"], **paging())
    require_page(listing.total, "pages.search", q=query["q"])
    return render_template(
        "pages/search.html",
        q=query["q"],
        error=None,
        listing=listing,
        page=page_number(),
        page_params={"q": query["q"]},
        per_page=current_app.config["PAGE_SIZE"],
    ), 200
