"""What the admin area reads: lists and details for the staff, with the acting user first.

The read side of moderation, beside the write side in services.py. Every function checks that
the actor is staff (the admin blueprint already hides itself from everyone else, but a read of
people's emails and reports must not depend on one surface remembering to). Each runs a fixed
number of statements whatever the page size: names are joined, counts are correlated
subqueries in the same statement, and a list's total is one ``count``. Rows are plain
``Row`` objects (attribute access) for the templates; nothing here writes.

Only portable SQL: the per-day series are bucketed in Python over the last days' timestamps,
because ``date()`` of a PostgreSQL ``timestamptz`` follows the session's time zone, not UTC.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from myapp.articles.models import STATUSES, Article, Comment, Tag, article_tags
from myapp.errors import NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation.models import OPEN, REASONS, REPORT_STATUSES, AuditEntry, Report
from myapp.moderation.services import ACTIONS, require_staff
from myapp.users.models import ROLES, User

PER_PAGE = 20
MAX_PAGE = 100_000
SERIES_DAYS = 30
RECENT = 20  # audit entries, reports and articles shown on a detail page
QUERY_MAX = 200  # longer searches are cut: a LIKE pattern that long finds nothing useful

# The filter values each list understands; anything else is ignored (never an error).
USER_STATES = ("active", "suspended")
TAG_USAGES = ("used", "unused")
CONTENT_STATES = ("visible", "hidden")
ALL = "all"


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, the total over every page, and where it is."""

    rows: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Series:
    """Counts per day, oldest first: ``days`` and ``values`` line up."""

    name: str
    days: list[date]
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def peak(self) -> int:
        return max(self.values, default=0)

    @property
    def peak_day(self) -> date | None:
        """The first day with the most, None when there was nothing."""
        if not self.peak:
            return None
        return self.days[self.values.index(self.peak)]


@dataclass(frozen=True)
class Dashboard:
    counts: dict[str, int]
    series: list[Series]
    open_reports: list[Any]
    open_reports_total: int


class Detail(SimpleNamespace):
    """A thing's own ``row``, beside what belongs to it (``reports``, ``audit``...)."""

    row: Any


# --- helpers ------------------------------------------------------------------------------


def clean_query(q: str | None) -> str:
    return (q or "").strip()[:QUERY_MAX]


def _contains(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``q``, ignoring case; ``%`` and ``_`` are literal."""
    needle = q.lower()
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))


def _paginate(query: Select[Any], conditions: list[Any], page: int, per_page: int) -> Page:
    """The total under ``conditions`` (one statement), then that page of ``query`` (one more).
    A page past the end is clamped to the last one."""
    query = query.where(*conditions)
    counting = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    total = db.session.scalar(counting) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages, MAX_PAGE)
    rows = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(rows=rows, total=total, page=page, per_page=per_page)


def _count_of(model: Any, *conditions: Any) -> Any:
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def _suspended_now(now: datetime) -> ColumnElement[bool]:
    return and_(
        User.suspended_at.is_not(None),
        or_(User.suspended_until.is_(None), User.suspended_until > now),
    )


def _audit_about(target_type: str, target_id: int) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(RECENT)
    )
    return list(db.session.scalars(query))


# --- the dashboard ------------------------------------------------------------------------


def dashboard(actor: User, days: int = SERIES_DAYS, latest: int = 5) -> Dashboard:
    """The site at a glance: totals, what came in per day lately, the newest open reports.
    Three statements."""
    require_staff(actor)
    now = utcnow()
    counts_row = db.session.execute(
        select(
            _count_of(User).label("users"),
            _count_of(Article).label("articles"),
            _count_of(Comment).label("comments"),
            _count_of(Report, Report.status == OPEN).label("open_reports"),
            _count_of(Article, Article.hidden_at.is_not(None)).label("hidden_articles"),
            _count_of(Comment, Comment.hidden_at.is_not(None)).label("hidden_comments"),
            _count_of(User, _suspended_now(now)).label("suspended_users"),
        )
    ).one()
    counts = {key: int(value or 0) for key, value in counts_row._mapping.items()}

    first = now.date() - timedelta(days=days - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    kinds = (("sign-ups", User), ("articles", Article), ("comments", Comment))
    moments = union_all(
        *(
            select(literal(name).label("kind"), model.created_at.label("at")).where(
                model.created_at >= since
            )
            for name, model in kinds
        )
    )
    # Bucketed here, in UTC: one row per thing made in the window (see the module's note).
    per_day: Counter[tuple[str, date]] = Counter()
    for kind, at in db.session.execute(moments):
        per_day[(kind, _utc_date(at))] += 1
    day_list = [first + timedelta(days=n) for n in range(days)]
    series = [
        Series(name, day_list, [per_day[(name, day)] for day in day_list]) for name, _ in kinds
    ]

    reports = reports_page(actor, status=OPEN, page=1, per_page=latest)
    return Dashboard(counts, series, reports.rows, reports.total)


def _utc_date(moment: datetime) -> date:
    """The UTC day of a moment (UTCDateTime reads back aware; naive would be UTC already)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


# --- people -------------------------------------------------------------------------------


def _user_columns() -> tuple[Any, ...]:
    return (
        User.id,
        User.username,
        User.email,
        User.role,
        User.bio,
        User.created_at,
        User.suspended_at,
        User.suspended_until,
        User.suspension_reason,
        _count_of(Article, Article.author_id == User.id).label("articles_count"),
        _count_of(Comment, Comment.author_id == User.id).label("comments_count"),
    )


def users_page(
    actor: User,
    q: str | None = None,
    role: str | None = None,
    state: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """People, newest first, found by username or email, by role and by suspension. Rows
    have ``suspended`` (now) and counts of what they wrote."""
    require_staff(actor)
    now = utcnow()
    suspended = _suspended_now(now)
    query = select(*_user_columns(), suspended.label("suspended")).order_by(
        User.created_at.desc(), User.id.desc()
    )
    conditions: list[Any] = []
    if q := clean_query(q):
        conditions.append(_contains(q, User.username, User.email))
    if role in ROLES:
        conditions.append(User.role == role)
    if state == "suspended":
        conditions.append(suspended)
    elif state == "active":
        conditions.append(~suspended)
    return _paginate(query, conditions, page, per_page)


def user_detail(actor: User, username: str) -> Detail:
    """One person: their facts and counts, and the latest audit entries about them."""
    require_staff(actor)
    suspended = _suspended_now(utcnow())
    row = db.session.execute(
        select(*_user_columns(), suspended.label("suspended")).where(User.username == username)
    ).one_or_none()
    if row is None:
        raise NotFound("user", "not found")
    return Detail(row=row, audit=_audit_about("user", row.id))


# --- articles -----------------------------------------------------------------------------


def _open_reports_on_article() -> Any:
    return _count_of(
        Report, Report.article_id == Article.id, Report.comment_id.is_(None), Report.status == OPEN
    )


def _article_query() -> Select[Any]:
    return (
        select(
            Article.id,
            Article.slug,
            Article.title,
            Article.description,
            Article.status,
            Article.publish_at,
            Article.created_at,
            Article.updated_at,
            Article.hidden_at,
            Article.hidden_reason,
            Article.author_id,
            User.username.label("author"),
            _count_of(Comment, Comment.article_id == Article.id).label("comments_count"),
            _open_reports_on_article().label("open_reports"),
        )
        .join(User, User.id == Article.author_id)
        .order_by(Article.created_at.desc(), Article.id.desc())
    )


def articles_page(
    actor: User,
    q: str | None = None,
    state: str | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Every article, whatever its state, newest first; by title or slug, hidden or not, and
    publication status."""
    require_staff(actor)
    conditions: list[Any] = []
    if q := clean_query(q):
        conditions.append(_contains(q, Article.title, Article.slug))
    if state == "hidden":
        conditions.append(Article.hidden_at.is_not(None))
    elif state == "visible":
        conditions.append(Article.hidden_at.is_(None))
    if status in STATUSES:
        conditions.append(Article.status == status)
    return _paginate(_article_query(), conditions, page, per_page)


def article_detail(actor: User, slug: str) -> Detail:
    """One article: its facts, its tags, the reports about it and its audit entries."""
    require_staff(actor)
    row = db.session.execute(_article_query().where(Article.slug == slug)).one_or_none()
    if row is None:
        raise NotFound("article", "not found")
    tags = db.session.scalars(
        select(Tag.name)
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .where(article_tags.c.article_id == row.id)
        .order_by(Tag.name)
    )
    reports = db.session.execute(
        _report_query()
        .where(Report.article_id == row.id, Report.comment_id.is_(None))
        .limit(RECENT)
    )
    return Detail(
        row=row, tags=list(tags), reports=list(reports), audit=_audit_about("article", row.id)
    )


# --- comments -----------------------------------------------------------------------------


def _comment_query() -> Select[Any]:
    open_reports = _count_of(Report, Report.comment_id == Comment.id, Report.status == OPEN)
    return (
        select(
            Comment.id,
            Comment.body,
            Comment.created_at,
            Comment.hidden_at,
            Comment.hidden_reason,
            Comment.author_id,
            User.username.label("author"),
            Article.slug.label("article_slug"),
            Article.title.label("article_title"),
            open_reports.label("open_reports"),
        )
        .join(User, User.id == Comment.author_id)
        .join(Article, Article.id == Comment.article_id)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )


def comments_page(
    actor: User,
    q: str | None = None,
    state: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Every comment, newest first, found by words in its body, hidden or not."""
    require_staff(actor)
    conditions: list[Any] = []
    if q := clean_query(q):
        conditions.append(_contains(q, Comment.body))
    if state == "hidden":
        conditions.append(Comment.hidden_at.is_not(None))
    elif state == "visible":
        conditions.append(Comment.hidden_at.is_(None))
    return _paginate(_comment_query(), conditions, page, per_page)


def comment_detail(actor: User, comment_id: int) -> Detail:
    """One comment, with its article, the reports about it and its audit entries."""
    require_staff(actor)
    row = db.session.execute(_comment_query().where(Comment.id == comment_id)).one_or_none()
    if row is None:
        raise NotFound("comment", "not found")
    reports = db.session.execute(_report_query().where(Report.comment_id == row.id).limit(RECENT))
    return Detail(row=row, reports=list(reports), audit=_audit_about("comment", row.id))


# --- tags ---------------------------------------------------------------------------------


def _tag_query() -> Select[Any]:
    articles_count = _count_of(article_tags, article_tags.c.tag_id == Tag.id).label(
        "articles_count"
    )
    return select(Tag.id, Tag.name, articles_count).order_by(articles_count.desc(), Tag.name)


def tags_page(
    actor: User,
    q: str | None = None,
    usage: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Tags, most used first, with how many articles (of any state) carry each; ``usage``
    "used" or "unused" keeps the tags some article carries, or none does."""
    require_staff(actor)
    conditions: list[Any] = []
    if q := clean_query(q):
        conditions.append(_contains(q, Tag.name))
    carried = exists().where(article_tags.c.tag_id == Tag.id)
    if usage == "used":
        conditions.append(carried)
    elif usage == "unused":
        conditions.append(~carried)
    return _paginate(_tag_query(), conditions, page, per_page)


def tag_detail(actor: User, name: str) -> Detail:
    """One tag: its count, the newest articles carrying it, and its audit entries."""
    require_staff(actor)
    row = db.session.execute(_tag_query().where(Tag.name == name)).one_or_none()
    if row is None:
        raise NotFound("tag", "not found")
    articles = db.session.execute(
        select(Article.slug, Article.title, Article.status, Article.hidden_at, User.username)
        .join(User, User.id == Article.author_id)
        .join(article_tags, article_tags.c.article_id == Article.id)
        .where(article_tags.c.tag_id == row.id)
        .order_by(Article.created_at.desc(), Article.id.desc())
        .limit(RECENT)
    )
    return Detail(row=row, articles=list(articles), audit=_audit_about("tag", row.id))


# --- reports ------------------------------------------------------------------------------


_reporter, _resolver = aliased(User), aliased(User)


def _report_query() -> Select[Any]:
    reporter, resolver = _reporter, _resolver
    return (
        select(
            Report.id,
            Report.reason,
            Report.note,
            Report.status,
            Report.created_at,
            Report.updated_at,
            Report.resolved_at,
            Report.article_id,
            Report.comment_id,
            reporter.username.label("reporter"),
            resolver.username.label("resolved_by"),
            Article.slug.label("article_slug"),
            Article.title.label("article_title"),
            Article.hidden_at.label("article_hidden_at"),
            Comment.body.label("comment_body"),
            Comment.hidden_at.label("comment_hidden_at"),
        )
        .join(reporter, reporter.id == Report.reporter_id)
        .join(Article, Article.id == Report.article_id)
        .outerjoin(Comment, Comment.id == Report.comment_id)
        .outerjoin(resolver, resolver.id == Report.resolved_by_id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )


def open_reports(keys: set[str]) -> list[Any]:
    """The open reports with these ``open_key``s, newest first: what a staff member's digest
    email lists (myapp/notifications/services.py). No actor: the worker reads it."""
    return list(db.session.execute(_report_query().where(Report.open_key.in_(keys))))


def reports_page(
    actor: User,
    status: str | None = OPEN,
    reason: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """The queue, newest first: open reports unless ``status`` says otherwise (``"all"``:
    every report), optionally of one reason, or with ``q`` in the note, the reporter's name,
    the article's title or the comment."""
    require_staff(actor)
    conditions: list[Any] = []
    if q := clean_query(q):
        conditions.append(
            _contains(q, Report.note, _reporter.username, Article.title, Comment.body)
        )
    if status in REPORT_STATUSES:
        conditions.append(Report.status == status)
    if reason in REASONS:
        conditions.append(Report.reason == reason)
    return _paginate(_report_query(), conditions, page, per_page)


def report_detail(actor: User, report_id: int) -> Detail:
    """One report, with its target, and the audit entries about it."""
    require_staff(actor)
    row = db.session.execute(_report_query().where(Report.id == report_id)).one_or_none()
    if row is None:
        raise NotFound("report", "not found")
    return Detail(row=row, audit=_audit_about("report", row.id))


# --- the audit log ------------------------------------------------------------------------


def audit_page(
    actor: User,
    action: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """Staff actions, newest first, of one kind, found by actor name or target label."""
    require_staff(actor)
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    conditions: list[Any] = []
    if action in ACTIONS:
        conditions.append(AuditEntry.action == action)
    if q := clean_query(q):
        conditions.append(_contains(q, AuditEntry.actor_name, AuditEntry.target_label))
    result = _paginate(query, conditions, page, per_page)
    return Page([row[0] for row in result.rows], result.total, result.page, result.per_page)


# What an entry's target is called now, if it still exists: the key its admin page takes.
_TARGET_KEYS: dict[str, tuple[Any, Any]] = {
    "article": (Article.id, Article.slug),
    "comment": (Comment.id, Comment.id),
    "user": (User.id, User.username),
    "tag": (Tag.id, Tag.name),
    "report": (Report.id, Report.id),
}


def audit_entry(actor: User, entry_id: int) -> Detail:
    """One entry, and ``target``: the key of its target's admin page if it still exists (None
    once deleted, renamed away or merged)."""
    require_staff(actor)
    entry = db.session.get(AuditEntry, entry_id)
    if entry is None:
        raise NotFound("audit entry", "not found")
    target = None
    if entry.target_id is not None and entry.target_type in _TARGET_KEYS:
        id_column, key_column = _TARGET_KEYS[entry.target_type]
        target = db.session.scalar(select(key_column).where(id_column == entry.target_id))
    return Detail(row=entry, target=target)
