"""Article bodies: Markdown rendered on the server, then sanitized.

markdown-it-py escapes raw HTML in the source; nh3 (the Rust ammonia sanitizer) then keeps only
safe tags and attributes, drops ``javascript:`` and other non-web URLs, and marks every link
``rel="nofollow noopener"``.
"""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from myapp.caching import cached

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},  # language-xyz from fenced code blocks
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}


def render_markdown(source: str) -> Markup:
    """Safe HTML for a Markdown source; cached by the source's hash, so it never goes stale."""
    html = cached("markdown", lambda: _render(source), source, versioned=False)
    return Markup(html)  # safe: sanitized by nh3 in _render


def _render(source: str) -> str:
    html = _parser.render(source)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        filter_style_properties={"text-align"},
    )
    return clean
