"""Home with its feeds, the article page, the editor (publishing, drafts and scheduling),
favorites and deletion."""

from datetime import UTC, datetime
from functools import cache, partial
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response

from myapp import limits
from myapp.articles import services as articles
from myapp.articles.models import DRAFT, PUBLISHED, SCHEDULED, Article
from myapp.articles.queries import ArticleView
from myapp.articles.schemas import ArticleCreateSchema, ArticleUpdateSchema
from myapp.articles.services import ArticlePage, FlagPage
from myapp.authentication import viewer
from myapp.errors import Invalid, NotFound
from myapp.forms import Errors, load_form, redirect_back, split_tags
from myapp.pages import bp, fragments
from myapp.pages.filters import longdatetime


def page_number() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return max(1, min(page, 100_000))


def paging() -> dict[str, int]:
    size = current_app.config["PAGE_SIZE"]
    return {"limit": size, "offset": (page_number() - 1) * size}


def require_page(total: int, endpoint: str, **params: Any) -> None:
    """A page number past the end of a list is a 404 that links to the list's last page (the
    first page of an empty list is the list, saying it is empty)."""
    page = page_number()
    size = current_app.config["PAGE_SIZE"]
    last = max(1, -(-total // size))
    if page > last:
        raise PageNotFound(page, last, url_for(endpoint, page=last if last > 1 else None, **params))


def article_listing(**filters: str | None) -> ArticlePage | FlagPage:
    """A page of listed articles (``articles.list_articles``' filters). A reader's previews come
    from the cache (pages/fragments.py), so their page is their flags; a visitor's is read in
    full."""
    reader = viewer()
    if reader is None:
        return articles.list_articles(None, **filters, **paging())
    return articles.list_article_flags(reader, **filters, **paging())


class PageNotFound(HTTPNotFound):
    def __init__(self, page: int, last: int, last_url: str) -> None:
        pages = "1 page" if last == 1 else f"{last} pages"
        super().__init__(f"There is no page {page} here: this list has {pages}.")
        self.link = (last_url, f"Go to page {last}" if last > 1 else "Go to the first page")


@bp.get("/")
def home() -> str | bytes:
    tab = request.args.get("tab", "global")
    tag = (request.args.get("tag") or "").strip() or None
    if tag:
        tab = "tag"
    elif tab == "yours" and viewer() is None:
        tab = "global"
    if tab == "yours":
        listing: ArticlePage | FlagPage = articles.feed_flags(current_user, **paging())
    else:
        listing = article_listing(tag=tag if tab == "tag" else None)
    # The page links carry only these, never the raw query (see the pagination macro).
    page_params = {"tag": tag} if tab == "tag" else {"tab": tab} if tab == "yours" else {}
    require_page(listing.total, "pages.home", **page_params)
    page = page_number()
    return fragments.home_page(
        listing,
        (tab, tag, page),
        tab=tab,
        tag=tag,
        page=page,
        page_params=page_params,
        tags=articles.popular_tags(current_app.config["POPULAR_TAGS_LIMIT"]),
    )


def render_article(
    slug: str, comment_form: dict[str, Any] | None = None, errors=None
) -> str | bytes:
    reader = viewer()
    # A signed-in reader's page of a listed article comes from the cache, with their own pieces
    # (pages/fragments.py): the article, its "Read next" and the comments are read only for a
    # piece that is not there.
    listed = None if comment_form or errors else articles.listed_article_for(slug, reader)
    if listed is not None:
        article = cache(partial(articles.read_article, slug, reader))
        comments = articles.list_comment_flags(slug, reader)
        return fragments.article_page(
            listed, article, lambda: articles.read_next(article(), reader), comments
        )
    view = articles.read_article(slug, reader)
    return render_template(
        "pages/article.html",
        article=view,
        related=partial(articles.read_next, view, reader),
        comments=articles.list_comment_flags(slug, reader),
        comment_form=comment_form or {},
        errors=errors or {},
    )


@bp.get("/article/<slug>")
def article(slug: str) -> str | bytes | Response:
    try:
        return render_article(slug)
    except NotFound:
        # A slug the article had before its title changed: the reader goes to where it is now.
        current = articles.current_slug(slug, viewer())
        if current is None:
            raise
        return redirect(url_for("pages.article", slug=current), 301)


# --- the editor ------------------------------------------------------------------------------
# Its submit buttons say what to do with the article (the ``action`` field): publish it, keep it
# a draft, or schedule it for a local date and time in a chosen time zone. Without an action
# (an old form, a script) a new article is published and an edited one keeps its state.
ACTIONS = {"publish": PUBLISHED, "draft": DRAFT, "schedule": SCHEDULED}
REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
           "Europe", "Indian", "Pacific")  # fmt: skip


@cache
def time_zones() -> dict[str, list[str]]:
    """The zones to schedule in, by region: UTC, then the IANA "Region/City" names."""
    zones: dict[str, list[str]] = {"UTC": ["UTC"]}
    for name in sorted(available_timezones()):
        region = name.split("/", 1)[0]
        if region in REGIONS and "/" in name:
            zones.setdefault(region, []).append(name)
    return zones


@cache
def zone_names() -> frozenset[str]:
    return frozenset(name for names in time_zones().values() for name in names)


def utc_moment(local: str, zone: str) -> str:
    """A local date and time (as a datetime-local field sends it) in ``zone``, as the ISO 8601
    moment in UTC that ``publishAt`` takes. What cannot be read so goes to the schema as it
    came, for the schema to say what is wrong with it."""
    if zone not in zone_names():
        return local  # naive: the schema asks for a UTC offset
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        return local
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC if zone == "UTC" else ZoneInfo(zone))
    try:
        return moment.astimezone(UTC).isoformat()
    except OverflowError:  # in UTC, before the year 1 or after 9999: no moment we can store
        return ""  # which the schema refuses as no date and time


def article_form(form: Any) -> dict[str, Any]:
    """The editor's fields in the API's shape: tags typed into one field become ``tagList``,
    the button pressed becomes ``status``, and a local time in a zone becomes ``publishAt``."""
    data = {key: form[key] for key in ("title", "description", "body") if key in form}
    if "tags" in form:
        data["tagList"] = split_tags(form["tags"])
    status = ACTIONS.get(form.get("action", ""))
    if status is not None:
        data["status"] = status
    local = form.get("publishAt", "").strip()
    if status == SCHEDULED and local:
        data["publishAt"] = utc_moment(local, form.get("timeZone", "UTC"))
    return data


def render_editor(
    form: Any, errors: Errors, article: Article | None = None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    # The schema speaks of ``tagList``; the form has one "tags" field.
    if "tagList" in errors:
        errors = {**errors, "tags": errors.pop("tagList")}
    # Without JavaScript the zone is UTC; app.js picks the browser's zone instead, unless the
    # writer already chose one (a form shown again with its errors).
    zone = form.get("timeZone", "UTC")
    page = render_template(
        "pages/editor.html",
        form=form,
        errors=errors,
        article=article,
        zones=time_zones(),
        zone=zone,
        browser_zone="timeZone" not in form,
        **extra,
    )
    return page, status


def saved_message(article: ArticleView, was: str | None) -> str:
    if article.status == DRAFT:
        return "Your draft is saved: only you can see it."
    if article.status == SCHEDULED:
        return f"Your article is scheduled to publish on {longdatetime(article.publish_at)} UTC."
    return "Your article is updated." if was == PUBLISHED else "Your article is published."


@bp.route("/editor", methods=["GET", "POST"])
@limits.new_article
@login_required
def new_article() -> Any:
    if request.method == "GET":
        return render_editor({}, {})
    data, errors = load_form(ArticleCreateSchema(), article_form(request.form))
    if data is not None:
        try:
            created = articles.create_article(current_user, data)
        except Invalid as error:  # the publication's rules: a time in the future, say
            errors = error.messages
        else:
            flash(saved_message(created, None), "success")
            return redirect(url_for("pages.article", slug=created.slug))
    return render_editor(request.form, errors, status=422)


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
        if existing.status == SCHEDULED and existing.publish_at is not None:
            form["publishAt"] = f"{existing.publish_at.astimezone(UTC):%Y-%m-%dT%H:%M}"
        return render_editor(form, {}, existing)
    was = existing.status
    data, errors = load_form(ArticleUpdateSchema(), article_form(request.form))
    if data is not None:
        try:
            updated = articles.update_article(current_user, slug, data)
        except Invalid as error:  # the publication's rules: a time in the future, say
            errors = error.messages
        else:
            flash(saved_message(updated, was), "success")
            return redirect(url_for("pages.article", slug=updated.slug))
    return render_editor(request.form, errors, existing, status=422)


@bp.post("/article/<slug>/publish")
@login_required
def publish_article(slug: str) -> Response:
    """Publish a draft or scheduled article now (the button on its page)."""
    published = articles.publish(current_user, slug)
    flash("Your article is published.", "success")
    return redirect(url_for("pages.article", slug=published.slug))


@bp.post("/article/<slug>/delete")
@login_required
def delete_article(slug: str) -> str | Response:
    """Two steps, as for comments: without ``confirm=yes`` (which app.js adds once the writer
    said yes to its question) the post answers a page that asks."""
    if request.form.get("confirm") != "yes":
        article = articles.get_own_article(current_user, slug)
        comments = (
            "its comments go with it" if article.status == PUBLISHED else "it was never published"
        )
        return render_template(
            "pages/confirm_delete.html",
            title="Delete this article?",
            question=f"Delete “{article.title}” for good?",
            quote=article.description,
            consequence=f"This cannot be undone: {comments}.",
            action=url_for("pages.delete_article", slug=slug),
            fields={"confirm": "yes"},
            cancel_url=url_for("pages.article", slug=slug),
            button="Delete Article",
        )
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
