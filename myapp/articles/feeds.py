"""The published articles as other programs read them: Atom and RSS feeds, and sitemaps.

Each document is built from one read of ``visible_articles`` with ``LISTED`` (published only,
for nobody in particular: viewer 0), written by a library (feedgen for the feeds, ElementTree
for the sitemaps), and cached with the content version, so any write to a public table makes
the next request build it again. Links are absolute, on the root the caller gives
(``PUBLIC_URL``, or the request's own root when it is unset); the root is part of the cache key.

A document is deterministic (nothing in it is "now"), so the same content gives the same bytes,
and so the same ETag, whichever process built it.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from sqlalchemy import Select, bindparam, func, literal_column, select, union_all

from myapp.articles.models import Article
from myapp.articles.queries import COMPUTED, FILTERS, LISTED, visible_articles
from myapp.caching import cached
from myapp.errors import NotFound
from myapp.extensions import db
from myapp.urls import build_url
from myapp.users.models import User

ATOM, RSS = "atom", "rss"
FEED_SIZE = 20  # the newest articles a feed holds
SITEMAP_SIZE = 50_000  # URLs in one sitemap file, the protocol's limit; past it, an index
SUBTITLE = "A place to share your knowledge."
# A feed with no entries yet is as old as this, rather than "now", so that it stays the same.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Characters XML 1.0 cannot hold at all (a title may carry a control character): dropped.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Document:
    """A built document: its bytes, and when what it shows last changed (None: unknown)."""

    body: bytes
    updated: datetime | None


class Site:
    """Absolute links to the pages of the site at ``root`` (``https://conduit.example.org``)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.host = urlsplit(root).hostname or "localhost"

    def link(self, endpoint: str, **values: Any) -> str:
        return build_url(self.root, endpoint, **values)


def _text(value: str) -> str:
    return NOT_XML.sub("", value)


# --- feeds -----------------------------------------------------------------------------------

_FEED_COLUMNS = (
    Article.id,
    Article.slug,
    Article.title,
    Article.description,
    Article.body_html,
    Article.created_at,
    Article.updated_at,
    Article.publish_at,
    COMPUTED["tag_list"].label("tag_list"),
    User.username.label("author"),
)


def _feed_statement(*filters: str) -> Select[Any]:
    """The newest ``limit`` listed articles passing the named ``FILTERS``, with their body,
    tags and author's name, in one statement."""
    return (
        visible_articles(*_FEED_COLUMNS)
        .join(User, User.id == Article.author_id)
        .where(LISTED, *(FILTERS[name] for name in filters))
        .order_by(Article.publish_at.desc(), Article.id.desc())
        .limit(bindparam("limit"))
    )


# One statement for each kind of feed: the site's, a tag's, an author's.
FEED_STATEMENTS = {
    None: _feed_statement(),
    "tag": _feed_statement("tag"),
    "author": _feed_statement("author"),
}
# An author with a feed: one whose profile anyone may see (a suspended user's is gone).
AUTHOR_EXISTS = select(User.id).where(
    User.username == bindparam("author"), User.suspended_at.is_(None)
)


def _feed_rows(tag: str | None, author: str | None) -> list[Any]:
    params: dict[str, Any] = {"viewer_id": 0, "limit": FEED_SIZE}
    kind = None
    if tag is not None:
        kind, params["tag"] = "tag", tag
    elif author is not None:
        kind, params["author"] = "author", author
    rows = db.session.execute(FEED_STATEMENTS[kind], params).all()
    # Only an author with nothing published costs the second look-up.
    if (
        author is not None
        and not rows
        and db.session.scalar(AUTHOR_EXISTS, {"author": author}) is None
    ):
        raise NotFound("profile", "not found")
    return rows


def _build_feed(root: str, kind: str, tag: str | None, author: str | None) -> Document:
    rows = _feed_rows(tag, author)
    site = Site(root)
    endpoint = {ATOM: "pages.feed_atom", RSS: "pages.feed_rss"}[kind]
    if tag is not None:
        title, page, own = (
            f"Conduit: #{tag}",
            site.link("pages.home", tag=tag),
            site.link("pages.tag_feed", tag=tag),
        )
    elif author is not None:
        title, page, own = (
            f"Conduit: {author}",
            site.link("pages.profile", username=author),
            site.link("pages.author_feed", username=author),
        )
    else:
        title, page, own = "Conduit", site.link("pages.home"), site.link(endpoint)
    updated = max((row.updated_at for row in rows), default=None)

    # Imported on first use: feedgen brings lxml, about 4 MB every web worker would carry.
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(own)
    feed.title(_text(title))
    feed.subtitle(SUBTITLE)  # RSS's required channel description
    feed.link(href=own, rel="self")
    feed.link(href=page, rel="alternate")  # the last link is RSS's <link>
    feed.updated(updated or EPOCH)  # Atom's <updated>, RSS's <lastBuildDate>
    feed.generator("Conduit")
    if author is not None:
        feed.author(name=_text(author), uri=page)
    feed.load_extension("dc", atom=False, rss=True)  # RSS's <author> must be an email address
    for row in rows:
        link = site.link("pages.article", slug=row.slug)
        profile = site.link("pages.profile", username=row.author)
        entry = feed.add_entry(order="append")
        # An id that outlives a change of title (and so of slug): a tag URI (RFC 4151).
        entry.guid(f"tag:{site.host},{row.created_at:%Y-%m-%d}:article:{row.id}")
        entry.title(_text(row.title))
        entry.link(href=link, rel="alternate", type="text/html")
        entry.summary(_text(row.description))
        entry.content(_text(row.body_html), type="html")  # sanitised when it was written
        entry.author(name=_text(row.author), uri=profile)
        entry.dc.dc_creator(_text(row.author))
        for name in sorted(row.tag_list or ()):
            entry.category(term=_text(name))
        entry.published(row.publish_at)
        entry.updated(row.updated_at)
    body = feed.atom_str(pretty=True) if kind == ATOM else feed.rss_str(pretty=True)
    return Document(body, updated)


def feed(root: str, kind: str, *, tag: str | None = None, author: str | None = None) -> Document:
    """The Atom or RSS feed (``kind``) of the ``FEED_SIZE`` newest published articles: all of
    them, those tagged ``tag``, or those by ``author`` (NotFound when nobody has that name, or
    they are suspended).
    An unknown tag gives an empty feed, as an unknown tag gives an empty list."""
    return cached("feed", lambda: _build_feed(root, kind, tag, author), root, kind, tag, author)


# --- sitemaps --------------------------------------------------------------------------------

# Every URL a sitemap names, as (kind, key, name, lastmod): the listed articles (kind 0, their
# slug, last edited), then the authors with at least one (kind 1, their username, their newest
# edit); ordered so that page n of them is always the same.
_ENTRIES = union_all(
    visible_articles(
        literal_column("0").label("kind"),
        Article.id.label("key"),
        Article.slug.label("name"),
        Article.updated_at.label("lastmod"),
    ).where(LISTED),
    visible_articles(literal_column("1"), User.id, User.username, func.max(Article.updated_at))
    .join(User, User.id == Article.author_id)
    .where(LISTED)
    .group_by(User.id, User.username),
).subquery("entries")
SITEMAP_TOTAL = select(func.count()).select_from(_ENTRIES)
SITEMAP_PAGE = (
    select(_ENTRIES)
    .order_by(_ENTRIES.c.kind, _ENTRIES.c.key)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_ENDPOINTS = {0: ("pages.article", "slug"), 1: ("pages.profile", "username")}


def _xml(root: ElementTree.Element) -> bytes:
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _lastmod(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _urlset(site: Site, page: int) -> Document:
    params = {"viewer_id": 0, "limit": SITEMAP_SIZE, "offset": (page - 1) * SITEMAP_SIZE}
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NS)
    updated = None
    for row in db.session.execute(SITEMAP_PAGE, params):
        endpoint, argument = _ENDPOINTS[row.kind]
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = site.link(endpoint, **{argument: row.name})
        ElementTree.SubElement(url, "lastmod").text = _lastmod(row.lastmod)
        updated = row.lastmod if updated is None else max(updated, row.lastmod)
    return Document(_xml(urlset), updated)


def _build_sitemap(root: str, page: int | None) -> Document:
    site = Site(root)
    total = db.session.scalar(SITEMAP_TOTAL, {"viewer_id": 0}) or 0
    pages = max(1, math.ceil(total / SITEMAP_SIZE))
    if page is None and pages == 1:
        return _urlset(site, 1)
    if page is None:
        index = ElementTree.Element("sitemapindex", xmlns=SITEMAP_NS)
        for n in range(1, pages + 1):
            entry = ElementTree.SubElement(index, "sitemap")
            ElementTree.SubElement(entry, "loc").text = site.link("pages.sitemap_page", page=n)
        return Document(_xml(index), None)
    if not 1 <= page <= pages:
        raise NotFound("sitemap", "not found")
    return _urlset(site, page)


def sitemap(root: str, page: int | None = None) -> Document:
    """The sitemap (``page`` None): every published article and every author of one, or, past
    ``SITEMAP_SIZE`` URLs, the index of the files ``page`` 1, 2 … that hold them."""
    return cached("sitemap", lambda: _build_sitemap(root, page), root, page, SITEMAP_SIZE)
