"""Article bodies: Markdown rendered once, when the article is written, then sanitized.

markdown-it-py escapes raw HTML in the source; nh3 (the Rust ammonia sanitizer) then keeps only
safe tags and attributes, drops ``javascript:`` and other non-web URLs, and marks every link
``rel="nofollow noopener"``. The HTML is stored beside the Markdown (``Article.body_html``), so
reading an article never renders anything.

Rendering is bounded: markdown-it's cost grows faster than the text for a few shapes (thousands
of ``[`` in one paragraph, tens of thousands of emphasis markers or table cells), so a body with
more of those characters than any real article needs is refused with a clear message. With
these limits the worst body of 100,000 characters renders in well under a second
(tests/articles/test_markdown.py; the "worst accepted body" row of ``make bench``).
"""

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from myapp.errors import Invalid

_parser = MarkdownIt(
    "commonmark",
    # maxNesting bounds nested lists and blockquotes (deeper ones are shown as text).
    {"html": False, "linkify": False, "typographer": False, "maxNesting": 20},
).enable(["table", "strikethrough"])


def _align_classes(state: StateCore) -> None:
    """Table cells say their alignment with a class, not a style attribute the CSP would drop."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style", "").startswith(
            "text-align:"
        ):
            side = str(token.attrs.pop("style")).removeprefix("text-align:")
            token.attrSet("class", f"text-align-{side}")


_parser.core.ruler.push("align_classes", _align_classes)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},  # language-xyz from fenced code blocks
    "th": {"class"},  # text-align-*, from _align_classes: the CSP allows no style attribute
    "td": {"class"},
    "ol": {"start"},
}

# How many of each costly character a body may hold, and what to tell its writer.
LIMITS = (
    ("[", 5_000, "has too many links or brackets '['"),
    ("|", 10_000, "has too many table cells '|'"),
    ("*_~", 20_000, "has too much emphasis ('*', '_' or '~')"),
)


def check_renderable(source: str) -> None:
    """Raise ``Invalid`` (422) for a body that would take too long to render."""
    for characters, limit, message in LIMITS:
        if sum(source.count(char) for char in characters) > limit:
            raise Invalid("body", f"{message}: at most {limit:,} are allowed")


def render_markdown(source: str) -> str:
    """Safe HTML for a Markdown source; ``Invalid`` when it is too costly to render."""
    check_renderable(source)
    return nh3.clean(
        _parser.render(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
