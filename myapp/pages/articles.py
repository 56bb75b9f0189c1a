from flask import current_app, render_template, request

from myapp.articles import services as articles
from myapp.auth.loaders import viewer
from myapp.pages import bp


@bp.get("/")
def home() -> str:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    listing = articles.list_articles(viewer(), limit=size, offset=(page - 1) * size)
    tags = articles.popular_tags(current_app.config["POPULAR_TAGS_LIMIT"])
    return render_template("pages/home.html", listing=listing, tags=tags, page=page)
