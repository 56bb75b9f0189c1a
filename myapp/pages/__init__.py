"""The pages blueprint: server-rendered Conduit for people in a browser.

Every action is a form POST that redirects to a GET with a flash message, so the site works
without JavaScript. Forms load through the same schemas and call the same services as the API.
"""

from flask import Blueprint
from flask_login import current_user

bp = Blueprint("pages", __name__)


@bp.record_once
def _share_current_user(state) -> None:
    # A global rather than context, so macros imported without context (which Jinja caches,
    # unlike imports "with context") can see who is signed in.
    state.app.jinja_env.globals["current_user"] = current_user


from myapp.pages import (  # noqa: E402,F401
    articles,
    comments,
    filters,
    notifications,
    profiles,
    users,
)
