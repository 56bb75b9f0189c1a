"""Use cases for reports and staff actions. The acting user is always an argument.

Every staff action checks the actor's role here (moderators: reports and hiding; admins also:
roles, suspensions, deleting people, tags), writes an audit entry in its own transaction, and
commits: the commit replaces the content version (myapp/caching.py), so what it hid or changed
is gone from every cache in every process at once.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from myapp.articles import services as articles
from myapp.articles.models import Article, Comment, Tag, article_tags
from myapp.database import commit_with_retry
from myapp.errors import Conflict, Forbidden, Invalid, NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation.models import DISMISSED, OPEN, RESOLVED, AuditEntry, Report, open_key
from myapp.notifications import outbox
from myapp.users import services as users
from myapp.users.models import ADMIN, STAFF, User

# What the audit log calls each action.
HIDE, UNHIDE, DISMISS = "hide", "unhide", "dismiss"
SET_ROLE, SUSPEND, UNSUSPEND, DELETE = "set-role", "suspend", "unsuspend", "delete"
RENAME, MERGE = "rename", "merge"
ACTIONS = (HIDE, UNHIDE, DISMISS, SET_ROLE, SUSPEND, UNSUSPEND, DELETE, RENAME, MERGE)


# --- who may do what ------------------------------------------------------------------------


def require_staff(actor: User | None) -> User:
    """The actor, if they are a moderator or an admin (Forbidden otherwise)."""
    if actor is None or not actor.is_staff or actor.is_suspended:
        raise Forbidden("role", "must be a moderator or an admin")
    return actor


def require_admin(actor: User | None) -> User:
    require_staff(actor)
    if not actor.is_admin:
        raise Forbidden("role", "must be an admin")
    return actor


def audit(
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int | None,
    label: str,
    reason: str | None = None,
    changes: dict[str, list[Any]] | None = None,
) -> None:
    """Record a staff action in the caller's transaction (``actor`` None: the system)."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor else None,
            actor_name=actor.username if actor else "system",
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_label=label[:255],
            reason=reason,
            changes=changes or {},
        )
    )


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- reports --------------------------------------------------------------------------------


def report(reporter: User, slug: str, comment_id: int | None, data: dict[str, Any]) -> Report:
    """Report the article under ``slug`` (or one of its comments) that ``reporter`` can see.
    A reader has one open report per target: reporting it again updates that report. The
    staff hear of new reports in a digest (notifications)."""
    if comment_id is None:
        target = articles.article_ref(slug, reporter)
        article_id = target.id
    else:
        target = articles.comment_ref(slug, comment_id, reporter)
        article_id = target.article_id
    if target.author_id == reporter.id:
        field = "article" if comment_id is None else "comment"
        raise Invalid(field, "is yours: you cannot report your own writing")
    key = open_key(reporter.id, article_id, comment_id)

    def file_report() -> Report:
        existing = db.session.scalar(select(Report).where(Report.open_key == key))
        if existing is not None:
            existing.reason, existing.note = data["reason"], data.get("note")
            existing.updated_at = utcnow()
            return existing
        new = Report(
            reporter_id=reporter.id,
            article_id=article_id,
            comment_id=comment_id,
            reason=data["reason"],
            note=data.get("note"),
            status=OPEN,
            open_key=key,
        )
        db.session.add(new)
        outbox.report_filed(reporter.id, article_id, comment_id, _staff_ids())
        return new

    # Two simultaneous reports by one reader: the unique open_key lets one in, and the retry
    # updates it.
    return commit_with_retry(file_report)


def _staff_ids() -> list[int]:
    query = select(User.id).where(User.role.in_(STAFF), User.suspended_at.is_(None))
    return list(db.session.scalars(query))


def _close_reports(actor: User, status: str, *conditions: Any) -> int:
    result = db.session.execute(
        update(Report)
        .where(Report.status == OPEN, *conditions)
        .values(status=status, open_key=None, resolved_by_id=actor.id, resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def dismiss_report(actor: User, report_id: int) -> Report:
    """Leave the reported content as it is; the report is closed."""
    require_staff(actor)
    found = db.session.get(Report, report_id)
    if found is None:
        raise NotFound("report", "not found")
    if found.status != OPEN:
        raise Invalid("report", f"is {found.status} already")
    _close_reports(actor, DISMISSED, Report.id == report_id)
    audit(actor, DISMISS, "report", report_id, f"report {report_id}", None,
          {"status": [OPEN, DISMISSED]})  # fmt: skip
    db.session.commit()
    db.session.refresh(found)
    return found


# --- hiding ---------------------------------------------------------------------------------


def _article(slug: str) -> Article:
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise NotFound("article", "not found")
    return article


def _comment(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("comment", "not found")
    return comment


def _set_hidden(actor: User, target: Article | Comment, reason: str | None) -> None:
    kind = "article" if isinstance(target, Article) else "comment"
    hide = reason is not None
    if (target.hidden_at is not None) == hide:
        raise Invalid(kind, "is hidden already" if hide else "is not hidden")
    before = {"hidden": [target.hidden_at is not None, hide]}
    if hide or target.hidden_reason:
        before["hidden_reason"] = [target.hidden_reason, reason]
    target.hidden_at = utcnow() if hide else None
    target.hidden_reason = reason
    label = target.slug if isinstance(target, Article) else _comment_label(target)
    audit(actor, HIDE if hide else UNHIDE, kind, target.id, label, reason, before)
    if hide:  # the reports about it are acted on
        on_target = (
            (Report.article_id == target.id, Report.comment_id.is_(None))
            if isinstance(target, Article)
            else (Report.comment_id == target.id,)
        )
        _close_reports(actor, RESOLVED, *on_target)
    db.session.commit()


def _comment_label(comment: Comment) -> str:
    """``#34: The first words of it…``: how the audit log names a comment."""
    words = " ".join(comment.body.split())
    return f"#{comment.id}: {words[:60]}{'…' if len(words) > 60 else ''}"


def hide_article(actor: User, slug: str, reason: str) -> Article:
    require_staff(actor)
    article = _article(slug)
    _set_hidden(actor, article, reason)
    return article


def unhide_article(actor: User, slug: str) -> Article:
    require_staff(actor)
    article = _article(slug)
    _set_hidden(actor, article, None)
    return article


def hide_comment(actor: User, comment_id: int, reason: str) -> Comment:
    require_staff(actor)
    comment = _comment(comment_id)
    _set_hidden(actor, comment, reason)
    return comment


def unhide_comment(actor: User, comment_id: int) -> Comment:
    require_staff(actor)
    comment = _comment(comment_id)
    _set_hidden(actor, comment, None)
    return comment


# --- people ---------------------------------------------------------------------------------


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user", "not found")
    return user


def _keep_an_admin(user: User, doing: str) -> None:
    if user.role == ADMIN and users.other_admins_locked(user) == 0:
        raise Invalid("user", f"is the last admin: make someone else an admin before you {doing}")


def set_role(actor: User | None, username: str, role: str) -> User:
    """Make ``username`` a user, moderator or admin (``actor`` None: the command line)."""
    if actor is not None:
        require_admin(actor)
    user = _user(username)
    if user.role == role:
        return user
    if role != ADMIN:
        _keep_an_admin(user, "demote them")
    audit(actor, SET_ROLE, "user", user.id, user.username, None, {"role": [user.role, role]})
    user.role = role
    db.session.commit()
    return user


def suspend(actor: User | None, username: str, reason: str, until: datetime | None) -> User:
    """Suspend ``username``: no sign-in, no working token or session, and what they wrote is
    hidden, until ``until`` (None: until unsuspended)."""
    if actor is not None:
        require_admin(actor)
        if actor.username == username:
            raise Invalid("user", "is you: you cannot suspend yourself")
    if until is not None and until <= utcnow():
        raise Invalid("until", "must be in the future")
    user = _user(username)
    _keep_an_admin(user, "suspend them")
    now = utcnow()
    changes = {
        "suspended": [user.suspended_at is not None, True],
        "suspended_until": [_moment(user.suspended_until), _moment(until)],
        "suspension_reason": [user.suspension_reason, reason],
    }
    audit(actor, SUSPEND, "user", user.id, user.username, reason, changes)
    user.suspended_at = user.suspended_at or now
    user.suspended_until = until
    user.suspension_reason = reason
    db.session.commit()
    return user


def unsuspend(actor: User | None, username: str) -> User:
    if actor is not None:
        require_admin(actor)
    user = _user(username)
    if user.suspended_at is None:
        raise Invalid("user", "is not suspended")
    _lift(actor, user)
    db.session.commit()
    return user


def _lift(actor: User | None, user: User) -> None:
    changes = {
        "suspended": [True, False],
        "suspended_until": [_moment(user.suspended_until), None],
        "suspension_reason": [user.suspension_reason, None],
    }
    audit(actor, UNSUSPEND, "user", user.id, user.username, None, changes)
    user.suspended_at = user.suspended_until = user.suspension_reason = None


def lift_expired_suspensions(now: datetime | None = None) -> list[str]:
    """End the suspensions whose end has come (the worker's tick); their usernames."""
    now = now or utcnow()
    due = select(User).where(User.suspended_at.is_not(None), User.suspended_until <= now)
    expired = list(db.session.scalars(due.limit(1000)))
    for user in expired:
        _lift(None, user)
    if expired:
        db.session.commit()
    return [user.username for user in expired]


def delete_user(actor: User | None, username: str, confirm: str) -> None:
    """Delete ``username`` with everything they wrote, their favorites and follows (the
    database cascades; counts are computed, so they stay right). ``confirm`` must repeat the
    username."""
    if actor is not None:
        require_admin(actor)
        if actor.username == username:
            raise Invalid("user", "is you: you cannot delete yourself here")
    user = _user(username)
    if confirm != user.username:
        raise Invalid("confirm", "must be the username, typed exactly")
    _keep_an_admin(user, "delete them")
    written = {
        name: db.session.scalar(
            select(func.count()).select_from(model).where(model.author_id == user.id)
        )
        for name, model in (("articles", Article), ("comments", Comment))
    }
    changes = {name: [count, 0] for name, count in written.items()}
    changes["email"] = [user.email, None]
    audit(actor, DELETE, "user", user.id, user.username, None, changes)
    users.remove_user(user)
    db.session.commit()


# --- tags -----------------------------------------------------------------------------------


def _tag(name: str) -> Tag:
    tag = db.session.scalar(select(Tag).where(Tag.name == name))
    if tag is None:
        raise NotFound("tag", "not found")
    return tag


def _move_articles(source: Tag, target: Tag) -> int:
    """Give ``target`` to every article tagged ``source``, then delete ``source``. Links are
    inserted and deleted row by row, so the search index's triggers keep the tags in step."""
    tagged = select(article_tags.c.article_id).where(article_tags.c.tag_id == source.id)
    has_target = select(article_tags.c.article_id).where(article_tags.c.tag_id == target.id)
    moving = list(db.session.scalars(tagged.where(article_tags.c.article_id.not_in(has_target))))
    if moving:
        db.session.execute(
            insert(article_tags), [{"article_id": a, "tag_id": target.id} for a in moving]
        )
    db.session.execute(delete(article_tags).where(article_tags.c.tag_id == source.id))
    db.session.execute(delete(Tag).where(Tag.id == source.id))
    return len(moving)


def rename_tag(actor: User, name: str, new_name: str) -> Tag:
    """Rename a tag; a name another tag has is a merge, and is refused here."""
    require_admin(actor)
    source = _tag(name)
    if new_name == name:
        return source
    if db.session.scalar(select(Tag.id).where(Tag.name == new_name)) is not None:
        raise Conflict("name", "is another tag's: merge into it instead")
    try:
        target = Tag(name=new_name)
        db.session.add(target)
        db.session.flush()
        _move_articles(source, target)
        audit(actor, RENAME, "tag", target.id, new_name, None, {"name": [name, new_name]})
        db.session.commit()
    except IntegrityError:  # created by a simultaneous request
        db.session.rollback()
        raise Conflict("name", "is another tag's: merge into it instead") from None
    return target


def merge_tag(actor: User, name: str, into: str) -> Tag:
    """Merge the tag ``name`` into ``into``: its articles get ``into``, and it is gone."""
    require_admin(actor)
    if name == into:
        raise Invalid("name", "is the tag itself: choose another to merge into")
    source, target = _tag(name), _tag(into)
    moved = _move_articles(source, target)
    audit(actor, MERGE, "tag", target.id, into, None,
          {"name": [name, into], "articles_moved": [0, moved]})  # fmt: skip
    db.session.commit()
    return target
