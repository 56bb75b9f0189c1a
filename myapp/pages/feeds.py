"""Feeds (Atom, RSS), sitemaps and robots.txt: the site for feed readers and crawlers.

Each answers conditional GETs: an ETag (a hash of the bytes, the same from every process) and,
where the content has one, a Last-Modified, so a reader that has the current version gets a
304. The documents themselves come cached from ``myapp/articles/feeds.py``.
"""

from flask import request
from werkzeug.wrappers import Response

from myapp.articles.feeds import ATOM, RSS, Document, feed, sitemap
from myapp.pages import bp
from myapp.urls import absolute_url, site_url

ATOM_TYPE, RSS_TYPE, XML_TYPE = "application/atom+xml", "application/rss+xml", "application/xml"
# Readers and proxies may keep a document this long before asking again (then cheaply: 304).
MAX_AGE = 300
# What crawlers are asked to leave alone: personal pages, one-time links and the API. The sign-in,
# sign-up and editor pages stay open: they hold nothing private (the editor sends a visitor to
# sign in), and a page a crawler may not fetch scores below 100 in Lighthouse's SEO audit.
DISALLOWED = (
    "/settings",
    "/api/",
    "/logout",
    "/forgot-password",
    "/reset-password/",
)


def respond(body: bytes | str, mimetype: str, document: Document | None = None) -> Response:
    response = Response(body, mimetype=mimetype)
    if document is not None and document.updated is not None:  # None would mean "now"
        response.last_modified = document.updated
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.add_etag()
    return response.make_conditional(request)


def respond_document(document: Document, mimetype: str) -> Response:
    return respond(document.body, mimetype, document)


@bp.get("/feed.atom")
def feed_atom() -> Response:
    return respond_document(feed(site_url(), ATOM), ATOM_TYPE)


@bp.get("/feed.rss")
def feed_rss() -> Response:
    return respond_document(feed(site_url(), RSS), RSS_TYPE)


@bp.get("/tag/<path:tag>/feed.atom")
def tag_feed(tag: str) -> Response:
    return respond_document(feed(site_url(), ATOM, tag=tag), ATOM_TYPE)


@bp.get("/profile/<username>/feed.atom")
def author_feed(username: str) -> Response:
    return respond_document(feed(site_url(), ATOM, author=username), ATOM_TYPE)


@bp.get("/sitemap.xml")
def sitemap_xml() -> Response:
    return respond_document(sitemap(site_url()), XML_TYPE)


@bp.get("/sitemap-<int:page>.xml")
def sitemap_page(page: int) -> Response:
    return respond_document(sitemap(site_url(), page), XML_TYPE)


@bp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines += ["", f"Sitemap: {absolute_url('pages.sitemap_xml')}"]
    return respond("\n".join(lines) + "\n", "text/plain")
