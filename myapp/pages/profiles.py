"""Profiles with their articles, favorites and (for their owner) drafts; following."""

from flask import abort, flash, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from myapp.articles import services as articles
from myapp.articles.models import DRAFT, SCHEDULED
from myapp.articles.services import ArticlePage, FlagPage
from myapp.authentication import viewer
from myapp.forms import redirect_back
from myapp.pages import bp
from myapp.pages.articles import article_listing, page_number, paging, require_page
from myapp.users import services as users
from myapp.users.models import User


def unpublished(author: User, limit: int, offset: int) -> ArticlePage:
    """One page of the author's scheduled articles, then their drafts (each last edited
    first), with the total of both."""
    scheduled = articles.own_articles(author, status=SCHEDULED, limit=limit, offset=offset)
    drafts = articles.own_articles(
        author,
        status=DRAFT,
        limit=limit - len(scheduled.articles),
        offset=max(0, offset - scheduled.total),
    )
    return ArticlePage(scheduled.articles + drafts.articles, scheduled.total + drafts.total)


def render_profile(username: str, tab: str) -> str:
    profile = users.read_profile(username, viewer())
    listing: ArticlePage | FlagPage
    if tab == "drafts":
        if viewer() is None or profile.id != current_user.id:
            abort(404)  # nobody else learns whether there are any
        listing = unpublished(current_user, **paging())
    elif tab == "favorites":
        listing = article_listing(favorited=username)
    else:
        listing = article_listing(author=username)
    endpoint = {"favorites": "pages.profile_favorites", "drafts": "pages.profile_drafts"}
    require_page(listing.total, endpoint.get(tab, "pages.profile"), username=username)
    return render_template(
        "pages/profile.html", profile=profile, tab=tab, listing=listing, page=page_number()
    )


@bp.get("/profile/<username>")
def profile(username: str) -> str:
    return render_profile(username, "articles")


@bp.get("/profile/<username>/favorites")
def profile_favorites(username: str) -> str:
    return render_profile(username, "favorites")


@bp.get("/profile/<username>/drafts")
def profile_drafts(username: str) -> str:
    """Your drafts and scheduled articles: a tab of your own profile that only you can open."""
    return render_profile(username, "drafts")


@bp.post("/profile/<username>/follow")
@login_required
def follow(username: str) -> Response:
    users.follow(current_user, username)
    flash(f"You follow {username} now.", "success")
    return redirect_back(url_for("pages.profile", username=username))


@bp.post("/profile/<username>/unfollow")
@login_required
def unfollow(username: str) -> Response:
    users.unfollow(current_user, username)
    flash(f"You no longer follow {username}.", "info")
    return redirect_back(url_for("pages.profile", username=username))
