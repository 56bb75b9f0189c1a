"""Full-text search: what a reader typed, in each database's own words, and safe highlights.

The index itself is made and kept by migration ``c8a1d5e7f203`` (triggers on articles and
article_tags, so every write, from any surface or a bare statement, keeps it in step):

- SQLite: the FTS5 table ``articles_search`` (porter stemming, diacritics removed), ranked by
  ``bm25`` with column weights, highlighted by ``snippet()``/``highlight()``;
- PostgreSQL: ``articles.search_vector`` (weighted, in the ``conduit_search`` configuration:
  unaccent then English stemming), ``websearch_to_tsquery``, ``ts_rank_cd``, ``ts_headline``;
- MariaDB: a FULLTEXT index, ``MATCH ... AGAINST`` in boolean mode, highlighted here.

The user's text is never handed to an engine's query language: ``parse`` reduces it to words,
quoted phrases and excluded words (``-word``), and each engine gets a query built from those
alone, every word quoted. Highlights come back from the database with two private-use marker
characters around matches; ``marked_html`` escapes everything and turns only balanced markers
into ``<mark>``, so no text from the database reaches the page unescaped.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    table,
)
from sqlalchemy.dialects.mysql import match as mysql_match

from myapp.articles.models import Article

MAX_QUERY = 200
START, STOP = "\ue000", "\ue001"  # around a match in a highlight, before escaping
ELLIPSIS = "…"

_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass
class Query:
    """What a reader asked for: words (all required), phrases, excluded words."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to look for (only punctuation, or only exclusions): matches nothing."""
        return not self.words and not self.phrases


def parse(text: str) -> Query:
    """Words in any order, ``"exact phrases"``, ``-excluded`` words (or ``-"phrases"``, whose
    words are excluded); every other character only separates words."""
    query = Query()
    for match in _TERM.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            words = _WORD.findall(phrase)
            if negated:
                query.excluded += words
            elif len(words) == 1:
                query.words += words
            elif words:
                query.phrases.append(words)
            continue
        if bare.startswith("-") and len(bare) > 1:
            query.excluded += _WORD.findall(bare[1:])
        else:
            query.words += _WORD.findall(bare)
    return query


# --- each engine's syntax --------------------------------------------------------------------


def _fts5_string(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts5_query(query: Query) -> str:
    """An FTS5 MATCH expression: every word a quoted string (never an operator or a column)."""
    positive = [_fts5_string(w) for w in query.words]
    positive += [_fts5_string(" ".join(p)) for p in query.phrases]
    expression = "(" + " AND ".join(positive) + ")"
    for word in query.excluded:
        expression += " NOT " + _fts5_string(word)
    return expression


def websearch_query(query: Query) -> str:
    """Text for ``websearch_to_tsquery``, which never fails: "words", "phrases", -"words". Each
    word is quoted, so a typed ``or`` is a word, not the operator."""
    parts = [f'"{w}"' for w in query.words]
    parts += ['"' + " ".join(p) + '"' for p in query.phrases]
    parts += [f'-"{w}"' for w in query.excluded]
    return " ".join(parts)


def crude_stem(word: str) -> str:
    """A word without a common English ending, for a prefix search (MariaDB has no stemmer):
    "running" -> "run", "berries" -> "berr", "boxes" -> "box", "shoes" -> "shoe"."""
    lower = word.lower()
    if lower.endswith("ings"):
        lower = lower[:-1]  # cuttings -> cutting -> cut

    def cut(suffix: str) -> str:
        return lower[: -len(suffix)] if len(lower) - len(suffix) >= 3 else lower

    if lower.endswith(("ing", "ed")):
        stem = cut("ing" if lower.endswith("ing") else "ed")
        if stem != lower and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiousl":
            stem = stem[:-1]  # runn -> run
        return stem
    if lower.endswith("ies"):
        return cut("ies")
    if lower.endswith(("ses", "xes", "zes", "ches", "shes")):
        return cut("es")
    if lower.endswith("s") and not lower.endswith("ss"):
        return cut("s")
    return lower


# InnoDB's default stop words and shortest indexed word (innodb_ft_min_token_size): a required
# word the index never holds would make every search for it empty, so they are left out.
INNODB_STOPWORDS = frozenset(
    "a about an are as at be by com de en for from how i in is it la of on or that the this to "  # noqa: SIM905
    "was what when where who will with und www".split()
)
INNODB_MIN_WORD = 3


def boolean_mode_query(query: Query) -> str:
    """A MariaDB boolean-mode query: +stem* for words, +"phrase", -word. Words are \\w+ only, so
    no operator can come from the reader."""
    words = [
        w for w in query.words if len(w) >= INNODB_MIN_WORD and w.lower() not in INNODB_STOPWORDS
    ]
    if not words and not query.phrases:
        words = query.words  # only short or common words: look for them anyway
    parts = [f"+{crude_stem(w)}*" for w in words]
    parts += ['+"' + " ".join(p) + '"' for p in query.phrases]
    parts += [f"-{w}" for w in query.excluded]
    return " ".join(parts)


# --- statements -------------------------------------------------------------------------------

articles_search = table(
    "articles_search", column("rowid"), column("title"), column("description"), column("body")
)
SEARCH_VECTOR = literal_column("articles.search_vector")
SEARCH_TAGS = literal_column("articles.search_tags")
_MATCH = bindparam("match")
DESCRIPTION_WORDS, BODY_WORDS = 24, 24


def condition(dialect: str) -> ColumnElement[bool]:
    """Whether an article matches the bound ``match`` (the output of ``engine_query``)."""
    if dialect == "sqlite":
        return Article.id.in_(
            Select(articles_search.c.rowid).where(literal_column("articles_search").match(_MATCH))
        )
    if dialect == "postgresql":
        return SEARCH_VECTOR.op("@@")(func.websearch_to_tsquery("conduit_search", _MATCH))
    return _mysql_match()


def _mysql_match() -> Any:
    return mysql_match(
        Article.title, Article.description, Article.body, SEARCH_TAGS, against=_MATCH
    ).in_boolean_mode()


def engine_query(dialect: str, query: Query) -> str:
    if dialect == "sqlite":
        return fts5_query(query)
    if dialect == "postgresql":
        return websearch_query(query)
    return boolean_mode_query(query)


def ranked(dialect: str, statement: Select[Any]) -> Select[Any]:
    """``statement`` (the page of matches) with its relevance order and its highlights as the
    columns ``highlight_title``, ``highlight_description`` and ``highlight_body``."""
    if dialect == "sqlite":
        fts = literal_column("articles_search")

        def snippet(column_index: int, words: int) -> Any:
            return func.snippet(fts, column_index, START, STOP, ELLIPSIS, words)

        return (
            statement.join(articles_search, articles_search.c.rowid == Article.id)
            .where(fts.match(_MATCH))
            .add_columns(
                func.highlight(fts, 0, START, STOP).label("highlight_title"),
                snippet(1, DESCRIPTION_WORDS).label("highlight_description"),
                snippet(2, BODY_WORDS).label("highlight_body"),
            )
            .order_by(func.bm25(fts, 10.0, 4.0, 1.0, 4.0), Article.id.desc())
        )
    if dialect == "postgresql":
        tsquery = func.websearch_to_tsquery("conduit_search", _MATCH)
        options = f'StartSel={START}, StopSel={STOP}, FragmentDelimiter=" {ELLIPSIS} "'

        def headline(text: Any, shape: str) -> Any:
            # As the index does (migration c8a1d5e7f203): the parser is quadratic over "_a_a..."
            plain = func.translate(text, "_", " ")
            return func.ts_headline("conduit_search", plain, tsquery, f"{options}, {shape}")

        half = BODY_WORDS // 2
        return (
            statement.where(SEARCH_VECTOR.op("@@")(tsquery))
            .add_columns(
                headline(Article.title, "HighlightAll=true").label("highlight_title"),
                headline(
                    Article.description,
                    f"MaxWords={DESCRIPTION_WORDS}, MinWords={DESCRIPTION_WORDS // 2}",
                ).label("highlight_description"),
                # The two best passages of the body, each about a dozen words.
                headline(
                    Article.body, f"MaxFragments=2, MaxWords={half}, MinWords={half // 2}"
                ).label("highlight_body"),
            )
            .order_by(func.ts_rank_cd(SEARCH_VECTOR, tsquery).desc(), Article.id.desc())
        )
    # MariaDB: highlighted here, from the texts.
    return (
        statement.where(_mysql_match())
        .add_columns(
            Article.title.label("highlight_title"),
            Article.description.label("highlight_description"),
            Article.body.label("highlight_body"),
            literal(True).label("highlight_raw"),
        )
        .order_by(_mysql_match().desc(), Article.id.desc())
    )


# --- highlights -------------------------------------------------------------------------------


def marked_html(text: str | None) -> Markup:
    """``text`` with START...STOP around matches as HTML: everything escaped, each balanced
    pair a ``<mark>``. Stray markers (even ones the author typed) are dropped."""
    out, inside, run = [], False, []
    for char in text or "":
        if char in (START, STOP):
            if run:
                out.append(escape("".join(run), quote=True))
                run = []
            if char == START and not inside:
                out.append("<mark>")
                inside = True
            elif char == STOP and inside:
                out.append("</mark>")
                inside = False
            continue
        run.append(char)
    if run:
        out.append(escape("".join(run), quote=True))
    if inside:
        out.append("</mark>")
    return Markup("".join(out))  # noqa: S704 - every piece above is escaped or a literal tag


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def python_highlight(text: str, query: Query, words: int | None) -> str:
    """``text`` (or a window of about ``words`` words around the first match) with markers
    around the words the query looks for: compared without case or accents, by crude stem."""
    text = text.replace(START, "").replace(STOP, "")  # only ours mark matches
    wanted = {crude_stem(_fold(w)) for w in query.words}
    wanted |= {crude_stem(_fold(w)) for p in query.phrases for w in p}
    spans = list(_WORD.finditer(text))

    def wanted_word(word: str) -> bool:
        folded = _fold(word)
        return any(folded == w or (len(w) >= 3 and folded.startswith(w)) for w in wanted)

    hits = [i for i, m in enumerate(spans) if wanted_word(m.group())]
    first, last = 0, len(spans)
    if words is not None and len(spans) > words:
        centre = hits[0] if hits else 0
        first = max(0, centre - words // 3)
        last = min(len(spans), first + words)
    if not spans:
        return text if words is None else text[:200]
    begin = 0 if first == 0 else spans[first].start()
    end = len(text) if last == len(spans) else spans[last - 1].end()
    pieces, position = [], begin
    for i in hits:
        if first <= i < last:
            m = spans[i]
            pieces += [text[position : m.start()], START, m.group(), STOP]
            position = m.end()
    pieces.append(text[position:end])
    prefix = ELLIPSIS if begin > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    return prefix + "".join(pieces) + suffix


def highlights(row: Any, query: Query) -> dict[str, Markup]:
    """The ``highlight`` of one result row: title, description, body as safe HTML."""
    title, description, body = row.highlight_title, row.highlight_description, row.highlight_body
    if getattr(row, "highlight_raw", None):
        title = python_highlight(title or "", query, None)
        description = python_highlight(description or "", query, DESCRIPTION_WORDS)
        body = python_highlight(body or "", query, BODY_WORDS)
    return {
        "title": marked_html(title),
        "description": marked_html(description),
        "body": marked_html(body),
    }
