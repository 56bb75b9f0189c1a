"""The pages blueprint: server-rendered Conduit for people in a browser.

Every action is a form POST that redirects to a GET with a flash message, so the site works
without JavaScript. Forms load through the same schemas and call the same services as the API.
"""

from flask import Blueprint
from flask_login import current_user

bp = Blueprint("pages", __name__)


@bp.record_once
def _share_globals(state) -> None:
    from myapp import urls
    from myapp.articles.services import edited_at
    from myapp.moderation.models import REASON_LABELS
    from myapp.pages import fragments

    # A global rather than context, so macros imported without context (which Jinja caches,
    # unlike imports "with context") can see who is signed in.
    state.app.jinja_env.globals["current_user"] = current_user
    # Absolute URLs for canonical links and share cards (on PUBLIC_URL), and whether an
    # article was edited after its publication, for every page and macro.
    state.app.jinja_env.globals.update(
        absolute_url=urls.absolute_url,
        canonical_url=urls.canonical_url,
        edited_at=edited_at,
        report_reasons=REASON_LABELS,
    )
    # The pieces the templates take from the cache, with the reader's own bits spliced in.
    state.app.jinja_env.globals.update(
        article_previews=fragments.article_previews,
        article_parts=fragments.article_parts,
        article_share_tags=fragments.article_share_tags,
        navigation=fragments.navigation,
        page_links=fragments.page_links,
        reader_avatar=fragments.reader_avatar,
        tag_cloud=fragments.tag_cloud,
        # flask-wtf's, which a page's skeleton replaces with a marker.
        csrf_token=fragments.csrf_token,
    )


from myapp.pages import (  # noqa: E402,F401
    articles,
    comments,
    feeds,
    filters,
    notifications,
    preview,
    profiles,
    reports,
    search,
    users,
)
