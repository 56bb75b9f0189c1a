"""Pieces of the signed-in pages as cached HTML, with each reader's own bits spliced in: what
makes a signed-in page (lists, the article, the site's links) cheap to render.

Most of a page looks the same to every signed-in reader. What differs is of two kinds:
- the reader's state a piece shows (favorited this article? follows its author? wrote this
  comment?): a few flags, which go into the piece's cache key, so each piece is rendered once
  per combination, by the first reader who has it;
- what belongs to the request (the CSRF token, the page to come back to): rendered as markers,
  which are filled in for each request (``joined``) instead of a dozen macro calls.
Pieces that read nothing of the reader (page links, popular tags, share tags) are keyed by
their arguments alone.

Pieces are cached under the content version (``myapp.caching``), which every commit touching a
public table replaces, from any surface and process: no piece outlives a write. A page fetches
its pieces at once (``get_many``), renders and stores the misses (``set_many``); while the
cache is unavailable, everything is rendered. Every macro a piece is rendered with takes the
reader from ``current_user`` exactly as its key says (see each function below): a macro that
starts reading more of the reader needs it in the key too.

Why not Flask-Caching's ``{% cache %}`` blocks: a block is one cache round trip (twenty or
more a page with Redis, no ``get_many``); the per-reader buttons sit inside the pieces, so the
blocks would surround buttons still rendered live, which measured as more than half of the
cost; and a block neither skips a cache known to be down (``myapp.caching``'s back-off) nor
knows not to store while the content version is unknown.

The home and article pages go one step further: around their pieces they are the same for
every signed-in reader, so each is cached as a skeleton ("whole pages" below) and a warm read
renders no template.

Visitors (not signed in) get the pieces rendered live, as before: their buttons are sign-in
links carrying the page in their URL, and their pages are cached whole
(``myapp/response_cache.py``).
"""

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, partial
from types import SimpleNamespace
from typing import Any

from flask import g, get_template_attribute, render_template, request, session
from flask_login import current_user
from markupsafe import Markup, escape

from myapp import forms
from myapp.articles.services import CommentFlags, ListedArticle
from myapp.caching import content_version, get_many, guarded, set_many
from myapp.urls import canonical_values, site_url

# Where a reader's CSRF token and page go in a cached fragment. Never in real content: text
# and URLs with a NUL character are refused on the way in (myapp/schemas.py, monitoring.py).
MARK = "\x00"


def marker(name: str) -> Markup:
    return Markup(f"{MARK}{name}{MARK}")


TOKEN, BACK = marker("csrf-token"), marker("back")
PLACE = marker("place")  # which copy of the site's links (navigation)
MARK_BYTES, TOKEN_NAME = MARK.encode(), b"csrf-token"
LINE, NOTHING = (b"\n",), (b"",)  # pieces: a line break; what a deleted article renders as


def macro(template: str, name: str) -> Callable[..., Markup]:
    """A macro of ``template`` (whose module Jinja keeps), to render a fragment with: looked
    up when it is called, which a page whose fragments are all in the cache never does."""
    return lambda *args, **kwargs: get_template_attribute(template, name)(*args, **kwargs)


Piece = tuple[bytes, ...]
"""A fragment as the cache keeps it: its UTF-8, cut at the markers, whose names are at the odd
places. Pages are put together from pieces by joining bytes: a signed-in page is never scanned
for its markers, decoded from the cache or encoded for the response as a whole (an article
with its comments is 75 KB, whose typographic quotes and dashes make every such pass slow)."""


def cut(html: str) -> Piece:
    return tuple(part.encode() for part in html.split(MARK))


def fetch(renders: Mapping[str, Callable[[], str]]) -> dict[str, Piece]:
    """Each fragment, by key, from the cache under the content version: the keys say everything
    of the reader a fragment depends on. The misses are rendered, and stored together."""
    version = content_version()
    if version is None:
        return {key: cut(str(render())) for key, render in renders.items()}
    keys = {key: f"html:{version}:{key}" for key in renders}
    found = guarded(lambda: get_many(list(keys.values())), [None] * len(keys))
    values = {key: value for key, value in zip(keys, found, strict=True) if value is not None}
    missing = {key: cut(str(render())) for key, render in renders.items() if key not in values}
    if missing:
        guarded(lambda: set_many({keys[key]: value for key, value in missing.items()}), None)
        values |= missing
    return values


Values = Mapping[bytes, bytes | Sequence[Piece]]


def request_values(pieces: Iterable[Piece]) -> dict[bytes, bytes]:
    """This request's values of the markers in ``pieces``: its page, and its CSRF token if one
    of them holds a form. The token is asked for only then, as a form rendered live would (it
    may start a session)."""
    values = {b"back": escape(request.full_path.rstrip("?")).encode()}
    if any(TOKEN_NAME in piece[1::2] for piece in pieces):
        values[TOKEN_NAME] = escape(forms.csrf_token()).encode()
    return values


def joined(piece: Piece, values: Values) -> bytes:
    """``piece`` with each marker replaced by its value: bytes, or pieces that are joined in
    turn with the same values. A marker without a value stays."""
    out: list[bytes] = []
    _join(piece, values, out)
    return b"".join(out)


def _join(piece: Piece, values: Values, out: list[bytes]) -> None:
    out.append(piece[0])
    for index in range(1, len(piece), 2):
        name = piece[index]
        value = values.get(name)
        if value is None:
            out += (MARK_BYTES, name, MARK_BYTES)
        elif isinstance(value, bytes):
            out.append(value)
        else:
            for each in value:
                _join(each, values, out)
        out.append(piece[index + 1])


def fill(pieces: Sequence[Piece]) -> list[Markup]:
    """The pieces as HTML for a template, with this reader's CSRF token and page in place of
    their markers."""
    values = request_values(pieces)
    return [Markup(joined(piece, values).decode()) for piece in pieces]


def text(piece: Piece) -> Markup:
    """A piece that holds no request's marker as HTML for a template."""
    return Markup(joined(piece, {}).decode())


def reader() -> Any:
    """The signed-in user (or Flask-Login's anonymous one) itself: ``current_user`` looks it
    up again at every use."""
    return current_user._get_current_object()


def flag(value: Any) -> int:
    return 1 if value else 0


def _digest(*arguments: Any) -> str:
    """A short key for arguments that may be long (a tag from the query string)."""
    return hashlib.sha256(repr(arguments).encode()).hexdigest()[:32]


def article_previews(listing: Any) -> list[Markup]:
    """The previews of a page of articles (``ArticlePage`` or ``FlagPage``) for this reader, as
    ``article_preview`` renders them: the macro ``article_list`` shows these."""
    if g.get("skeleton"):
        return [marker("previews")] if listing.rows else []
    if not reader().is_authenticated:
        preview = macro("macros/ui.html", "article_preview")
        articles = listing.views()
        return [preview(articles[row.id]) for row in listing.rows if row.id in articles]
    renders = _preview_renders(listing)
    found = fetch(renders)
    return fill([found[key] for key in renders if found[key] != NOTHING])


def _preview_renders(listing: Any) -> dict[str, Callable[[], str]]:
    """A signed-in reader's previews by cache key, in the page's order. A preview reads the
    reader only as whether they favorited the article, which the page's rows say: the articles
    themselves are read (``listing.views``, one statement) only if a preview is not in the
    cache. An article deleted since the page was listed renders as nothing."""
    preview = macro("macros/ui.html", "article_preview")
    views = cache(listing.views)  # read once, for every preview to render

    def render(article_id: int) -> str:
        article = views().get(article_id)
        return "" if article is None else preview(article, token=TOKEN, back=BACK)

    return {
        f"preview:{row.id}:{flag(row.favorited)}": partial(render, row.id) for row in listing.rows
    }


def article_parts(
    article: Any, related: Callable[[], Any], comments: CommentFlags
) -> SimpleNamespace:
    """The article page's larger pieces for this reader (macros/article.html): ``article``
    (its header, body and actions), ``read_next`` and ``comments`` (the cards, each on a line of
    its own)."""
    if g.get("skeleton"):
        return SimpleNamespace(**{name: marker(name) for name in ARTICLE_PARTS})
    if not reader().is_authenticated:
        main, read_next, card = (
            macro("macros/article.html", name)
            for name in ("article_main", "read_next", "comment_card")
        )
        cards = comments.views()
        live = [card(article, cards[row.id]) for row in comments.rows if row.id in cards]
        return SimpleNamespace(
            article=main(article),
            read_next=read_next(related()),
            comments=Markup("".join(f"\n  {html}" for html in live)),
        )
    listed = ListedArticle(
        article.id, article.author_id, article.favorited, article.author.following
    )
    pieces = _article_renders(listed, lambda: article, related, comments)
    found = fetch(dict(pieces.values()))
    filled = fill([found[key] for key, _ in pieces.values()])
    return SimpleNamespace(**dict(zip(pieces, filled, strict=True)))


def _article_renders(
    listed: ListedArticle,
    article: Callable[[], Any],
    related: Callable[[], Any],
    comments: CommentFlags,
) -> dict[str, tuple[str, Callable[[], str]]]:
    """A signed-in reader's ``ARTICLE_PARTS``, each as its cache key and render. The article
    reads the reader as whether it is theirs, favorited, and its author followed, which
    ``listed`` says; a comment as whether it is theirs; "Read next" not at all: the same for
    every reader of the article. Each is read (``article()``, ``related()``,
    ``comments.views()``) only to render a piece that is not in the cache."""
    main, read_next, card = (
        macro("macros/article.html", name) for name in ("article_main", "read_next", "comment_card")
    )
    cards = cache(comments.views)  # read once, for every card to render
    me = reader().id
    own, favorited, following = (
        flag(value) for value in (listed.author_id == me, listed.favorited, listed.following)
    )

    def render_cards() -> str:
        found, view = cards(), article()
        shown = [row.id for row in comments.rows if row.id in found]
        return "".join(f"\n  {card(view, found[each], token=TOKEN)}" for each in shown)

    return {
        "article": (
            f"article:{listed.id}:{own}:{favorited}:{following}",
            lambda: main(article(), token=TOKEN, back=BACK),
        ),
        "read_next": (f"read-next:{listed.id}", lambda: read_next(related())),
        # The cards together, as the page lays them out, each on a line: the same for every
        # reader who sees these comments and wrote the same of them (most readers: none).
        "comments": (f"comments:{listed.id}:{_digest(comments.shown_on_page(me))}", render_cards),
    }


def page_links(page: int, total: int, per_page: int, endpoint: str, params: Any) -> Markup:
    """A list's page links (macro ``pagination``): the same for every reader, so cached by
    their arguments; none for a list of one page."""
    if total <= per_page:
        return Markup("")
    key = "pages:" + _digest(page, total, per_page, endpoint, sorted(params.items()))
    render = partial(
        macro("macros/ui.html", "page_links_html"), page, total, per_page, endpoint, params
    )
    return text(fetch({key: render})[key])


def tag_cloud(tags: Sequence[str], current: str | None) -> Markup:
    """The home page's popular tags (macro ``popular_tags``), ``current`` marked: the same for
    every reader, so cached by its arguments."""
    key = "tags:" + _digest(tuple(tags), current)
    render = partial(macro("macros/ui.html", "popular_tags"), tags, current)
    return text(fetch({key: render})[key])


def article_share_tags(article: Any) -> Markup:
    """The article's tags for search engines and share cards (macro ``share_tags``): the same
    for every reader, so cached by the article and the site's address they name."""
    key = f"share:{article.id}:{_digest(site_url())}"
    render = partial(macro("macros/article.html", "share_tags"), article)
    return text(fetch({key: render})[key])


def navigation(place: str, q: Any = None) -> Markup:
    """The site's links for this reader and page (macro ``nav_links``). base.html shows them
    twice, in a row and in a menu, told apart by ``place``: they are rendered once a request,
    from the cache, keyed by what they read of the reader and the page."""
    if g.get("skeleton"):
        return marker(f"navigation:{place}")
    links = g.get("navigation")
    if links is None:
        links = g.navigation = _navigation(q)
    return Markup(_placed(links, place).decode())


def _navigation(q: Any) -> Piece:
    if request.endpoint == "pages.search":  # the search box holds the query
        return cut(macro("macros/ui.html", "nav_links")(PLACE, q))
    key, render = _navigation_render()
    return fetch({key: render})[key]


def _placed(links: Piece, place: str) -> bytes:
    """The site's links as shown in ``place``: they hold no form, only that marker."""
    return joined(links, {b"place": place.encode()})


def _navigation_render() -> tuple[str, Callable[[], str]]:
    """The site's links (but on the search page) as their cache key and render."""
    user = reader()
    signed_in = user.is_authenticated
    own = signed_in and (request.view_args or {}).get("username") == user.username
    admin = request.blueprint == "admin"
    key = f"nav:{user.id if signed_in else 0}:{request.endpoint}:{flag(admin)}:{flag(own)}"
    return key, partial(macro("macros/ui.html", "nav_links"), PLACE)


# --- whole pages ---------------------------------------------------------------------------------
# Around those pieces, a signed-in page is the same for every reader: the layout, the head, the
# links a list pages through, the forms. It is rendered once as a skeleton, with markers where
# the reader's pieces go, and cached under the content version by what it shows; each request
# puts its reader's pieces in, with one split and join. The pieces themselves come from the
# cache as above. A page with a flash message, and a visitor's, is rendered whole.

ARTICLE_PARTS = ("article", "read_next", "comments")


def csrf_token() -> str:
    """The templates' ``csrf_token()``: flask-wtf's token, or its marker in a skeleton."""
    return TOKEN if g.get("skeleton") else forms.csrf_token()


def reader_avatar(size: str) -> Markup:
    """The signed-in reader's picture (macro ``avatar``), or its marker in a skeleton."""
    if g.get("skeleton"):
        return marker(f"avatar:{size}")
    return macro("macros/ui.html", "avatar")(reader(), size)


Renders = Mapping[str, Callable[[], str]]  # fragments by cache key, in the order they show


def article_page(
    listed: ListedArticle,
    article: Callable[[], Any],
    related: Callable[[], Any],
    comments: CommentFlags,
) -> str | bytes:
    """``pages/article.html`` for this reader: the article, its "Read next" and comments, the
    comment form with the reader's picture. ``article()`` is read only for a piece or a
    skeleton that is not in the cache."""

    def pieces() -> dict[str, Renders]:
        parts = _article_renders(listed, article, related, comments)
        # The picture reads the reader's image alone, which a commit replaces.
        avatar = f"avatar:{reader().id}:small"
        return {name: {key: render} for name, (key, render) in parts.items()} | {
            "avatar:small": {avatar: partial(reader_avatar, "small")}
        }

    def context() -> dict[str, Any]:
        return {
            "article": article(),
            "related": related,
            "comments": comments,
            "comment_form": {},
            "errors": {},
        }

    return _page("pages/article.html", (listed.id, len(comments)), pieces, context)


def home_page(listing: Any, shows: tuple[Any, ...], **context: Any) -> str | bytes:
    """``pages/home.html`` for this reader: ``shows`` is what the page shows besides the
    reader's previews (the tab, the tag, the page)."""

    def pieces() -> dict[str, Renders]:
        return {"previews": _preview_renders(listing)}

    key = (*shows, listing.total, bool(listing.rows))
    return _page("pages/home.html", key, pieces, lambda: context | {"listing": listing})


def _page(
    template: str,
    shows: Any,
    pieces: Callable[[], Mapping[str, Renders]],
    context: Callable[[], dict[str, Any]],
) -> str | bytes:
    """``render_template(template, **context())``; for a signed-in reader without a flash message,
    from the skeleton cached under ``shows``, the page's address (its canonical link) and the
    site's, with the reader's ``pieces()`` (each the non-empty fragments of its renders, one to
    a line) in place of their markers. The skeleton, the site's links and every piece come from
    the cache together."""
    if not reader().is_authenticated or "_flashes" in session:
        return render_template(template, **context())

    def render() -> str:
        g.skeleton = True
        try:
            return render_template(template, **context())
        finally:
            g.skeleton = False

    key = f"skeleton:{template}:" + _digest(shows, canonical_values("tag", "page"), site_url())
    links_key, links = _navigation_render()
    renders = {key: render, links_key: links}
    own = pieces()
    for each in own.values():
        renders |= each
    found = fetch(renders)
    mine = {name: [found[k] for k in each if found[k] != NOTHING] for name, each in own.items()}
    values: dict[bytes, bytes | Sequence[Piece]] = {
        name.encode(): [piece for each in shown for piece in (LINE, each)][1:]  # one to a line
        for name, shown in mine.items()
    }
    values |= request_values([found[key], *itertools.chain.from_iterable(mine.values())])
    for place in ("header", "menu"):
        values[f"navigation:{place}".encode()] = _placed(found[links_key], place)
    return joined(found[key], values)
