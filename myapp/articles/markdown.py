"""Article bodies: Markdown rendered once, when the article is written, then sanitized.

markdown-it-py escapes raw HTML in the source; nh3 (the Rust ammonia sanitizer) then keeps only
safe tags and attributes, drops ``javascript:`` and other non-web URLs, and marks every link
``rel="nofollow noopener"``. The HTML is stored beside the Markdown (``Article.body_html``), so
reading an article never renders anything.

Fenced code blocks in one of ``HIGHLIGHTED``'s languages are highlighted by Pygments into
``<span class="k">`` and the like (coloured at the end of ``static/style.css``); any other
language, or none, is plain escaped code: no guessing, which is slow. Pygments' lexers and
formatter are imported by the first block to highlight, not at startup: reads never render, so
a worker that serves only reads never holds them. The sanitizer lets through only the classes
the highlighter and the renderer make. Every ``<pre>`` and table scroller gets ``tabindex="0"``,
so a keyboard can scroll it (axe's ``scrollable-region-focusable``); the sanitizer sets those
attributes itself, so no body can set other values.

Rendering is bounded: markdown-it's cost grows faster than the text for a few shapes (thousands
of ``[`` in one paragraph, tens of thousands of emphasis markers or table cells), so a body with
more of those characters than any real article needs is refused with a clear message. With
these limits the worst body of 100,000 characters renders in well under a second
(tests/articles/test_markdown.py; the "worst accepted body" row of ``make bench``). The
highlighted languages are a chosen few whose lexers run in linear time on hostile input (the
same tests): Pygments has hundreds, and not every one of their regular expressions is safe.
"""

import time
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import nh3
import pygments  # the package and its token types are small; lexers and formatters are not
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments.token import STANDARD_TYPES

from myapp.errors import Invalid

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

# The languages highlighted, by the first name of their Pygments lexer; a fence may name any
# of that lexer's aliases (```py, ```sh, ```ts ...), in any case.
HIGHLIGHTED = (
    "bash", "batch", "c", "clojure", "cmake", "console", "cpp", "csharp", "css", "dart", "diff",
    "django", "docker", "elixir", "erlang", "fsharp", "go", "graphql", "groovy", "haskell", "html",
    "http", "ini", "java", "javascript", "json", "jsx", "julia", "kotlin", "less", "lua", "make",
    "markdown", "nginx", "objective-c", "ocaml", "perl", "php", "powershell", "protobuf", "pycon",
    "pytb", "python", "ruby", "rust", "sass", "scala", "scss", "splus", "sql", "swift",
    "terraform", "tex", "toml", "tsx", "typescript", "xml", "yaml",
)  # fmt: skip


@cache
def _language_names() -> dict[str, str]:
    """Every alias of a highlighted language, to that language's first name."""
    from pygments.lexers import get_all_lexers

    names: dict[str, str] = {}
    for _, aliases, _, _ in get_all_lexers(plugins=False):
        if aliases and aliases[0] in HIGHLIGHTED:
            for alias in aliases:
                names.setdefault(alias, aliases[0])
    return names


@cache
def _lexer(language: str) -> "Lexer":
    from pygments.lexers import get_lexer_by_name

    # stripnl=False: the block shows its blank first and last lines, as it would unhighlighted.
    return get_lexer_by_name(language, stripnl=False)


@cache
def _formatter() -> "HtmlFormatter":
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)  # only the <span class="..."> tokens


# Pygments' lexers are regular expressions, and hostile code makes many of them slow: seconds
# for a few thousand characters of the wrong shape, growing faster than the length. So a body
# highlights blocks of at most MAX_BLOCK characters, MAX_HIGHLIGHTED in all, lexing for at
# most HIGHLIGHT_SECONDS (checked between tokens); past any of these, code is plain.
MAX_BLOCK = 1_000
MAX_HIGHLIGHTED = 20_000
HIGHLIGHT_SECONDS = 0.2


class HighlightBudget:
    """What one body may still spend on highlighting."""

    def __init__(self) -> None:
        self.characters = MAX_HIGHLIGHTED
        self.seconds = HIGHLIGHT_SECONDS

    def spans(self, code: str, language: str) -> str | None:
        """The code as highlighted spans, or None when the budget does not cover it."""
        if len(code) > min(MAX_BLOCK, self.characters) or self.seconds <= 0:
            return None
        self.characters -= len(code)
        lexer = _lexer(language)  # loaded once per process: not the writer's time
        started = time.perf_counter()
        deadline = started + self.seconds
        tokens = []
        for token in lexer.get_tokens(code):
            if time.perf_counter() > deadline:
                self.seconds = 0  # and the blocks after it are plain too
                return None
            tokens.append(token)
        self.seconds -= time.perf_counter() - started
        return pygments.format(tokens, _formatter())


def highlight_code(code: str, info: str, budget: HighlightBudget) -> str:
    """A fenced block as ``<pre><code>``: highlighted when its info string names a highlighted
    language and the budget allows, else escaped as it is."""
    words = info.split(maxsplit=1)
    language = _language_names().get(words[0].lower()) if words else None
    spans = budget.spans(code, language) if language else None
    if spans is None:
        return f"<pre><code>{escapeHtml(code)}</code></pre>\n"
    return f'<pre><code class="language-{language}">{spans}</code></pre>\n'


def _fence(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    return highlight_code(token.content, unescapeAll(token.info), env["highlight_budget"])


_parser = MarkdownIt(
    "commonmark",
    # maxNesting bounds nested lists and blockquotes (deeper ones are shown as text).
    {"html": False, "linkify": False, "typographer": False, "maxNesting": 20},
).enable(["table", "strikethrough"])
_parser.add_render_rule("fence", _fence)


def _align_classes(state: StateCore) -> None:
    """Table cells say their alignment with a class, not a style attribute the CSP would drop."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style", "").startswith(
            "text-align:"
        ):
            side = str(token.attrs.pop("style")).removeprefix("text-align:")
            token.attrSet("class", f"text-align-{side}")


_parser.core.ruler.push("align_classes", _align_classes)


# A wide table scrolls sideways in its own focusable region rather than crushing its columns
# on a phone. The sanitizer allows a div only with exactly these attributes (SCROLLER).
SCROLLER = {"class": "table-scroll", "role": "region", "aria-label": "Table", "tabindex": "0"}
_SCROLLER_ATTRIBUTES = "".join(f' {name}="{value}"' for name, value in SCROLLER.items())


def _table_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"<div{_SCROLLER_ATTRIBUTES}>" + renderer.renderToken(tokens, idx, options, env)


def _table_close(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return renderer.renderToken(tokens, idx, options, env) + "</div>\n"


_parser.add_render_rule("table_open", _table_open)
_parser.add_render_rule("table_close", _table_close)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
# Classes: a token's (Pygments' short names), a highlighted block's language, a table cell's
# alignment (from _align_classes: the CSP allows no style attribute). Nothing else.
TOKEN_CLASSES = {name for name in STANDARD_TYPES.values() if name}
ALIGNMENTS = {"text-align-left", "text-align-center", "text-align-right"}
ALLOWED_CLASSES = {
    "span": TOKEN_CLASSES,
    "code": {f"language-{language}" for language in HIGHLIGHTED},
    "th": ALIGNMENTS,
    "td": ALIGNMENTS,
    "div": {SCROLLER["class"]},
}
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    tag_attribute_values={
        "div": {name: {value} for name, value in SCROLLER.items() if name != "class"}
    },
    set_tag_attribute_values={"pre": {"tabindex": "0"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow noopener",
)

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
    html = _parser.render(source, {"highlight_budget": HighlightBudget()})
    return _cleaner.clean(html)
