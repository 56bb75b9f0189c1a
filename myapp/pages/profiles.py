"""Profiles with their articles and favorites; following."""

from flask import flash, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from myapp.articles import services as articles
from myapp.authentication import viewer
from myapp.forms import redirect_back
from myapp.pages import bp
from myapp.pages.articles import page_number, paging
from myapp.users import services as users


def render_profile(username: str, tab: str) -> str:
    profile = users.get_profile(username, viewer())
    if tab == "favorites":
        listing = articles.list_articles(viewer(), favorited=username, **paging())
    else:
        listing = articles.list_articles(viewer(), author=username, **paging())
    return render_template(
        "pages/profile.html", profile=profile, tab=tab, listing=listing, page=page_number()
    )


@bp.get("/profile/<username>")
def profile(username: str) -> str:
    return render_profile(username, "articles")


@bp.get("/profile/<username>/favorites")
def profile_favorites(username: str) -> str:
    return render_profile(username, "favorites")


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
