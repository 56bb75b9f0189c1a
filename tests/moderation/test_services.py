"""The moderation services, called directly: who may do what, the audit entry each action leaves,
the last-admin guard, reports, deleting people, tags, and the end of suspensions."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from myapp.articles import services as articles
from myapp.articles.models import Article, Comment, Tag, article_tags, favorites
from myapp.errors import Conflict, Forbidden, Invalid, NotFound
from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.moderation.models import Report
from myapp.notifications.models import Notification
from myapp.tasks import lift_expired_suspensions as lift_task
from myapp.users import services as users
from myapp.users.models import User, follows
from tests.moderation.conftest import acting, audit_entries, make_staff, reports, user_row

pytestmark = pytest.mark.usefixtures("no_worker")


@pytest.fixture
def world(app, factory, staff):
    """An admin, a moderator, and what each action acts on: an article with a reader's comment
    and report, a hidden article and comment, a plain user and a suspended one, and tags."""
    admin = make_staff(app, factory.user("boss"), "admin")
    author, reader = factory.user("author"), factory.user("reader")
    slug = factory.article(author, tag_list=["old", "kept"])
    factory.article(author, tag_list=["other"])
    comment_id = factory.comment(reader, slug)
    hidden_slug = factory.article(author)
    staff.hide_article(hidden_slug)
    hidden_comment_id = factory.comment(reader, slug, "Hidden words")
    staff.hide_comment(hidden_comment_id)
    factory.user("target")
    staff.suspend(factory.user("suspended"))
    return SimpleNamespace(
        admin=admin,
        moderator=staff.moderator,
        author=author,
        reader=reader,
        slug=slug,
        comment_id=comment_id,
        hidden_slug=hidden_slug,
        hidden_comment_id=hidden_comment_id,
        report_id=staff.report(reader, slug),
    )


def state(app) -> dict:
    """Everything a staff action could change, to compare before and after a refusal."""
    with app.app_context():
        return {
            "articles": sorted(db.session.execute(select(Article.slug, Article.hidden_at)).all()),
            "comments": sorted(db.session.execute(select(Comment.id, Comment.hidden_at)).all()),
            "reports": sorted(db.session.execute(select(Report.id, Report.status)).all()),
            "users": sorted(
                db.session.execute(select(User.username, User.role, User.suspended_at)).all()
            ),
            "tags": sorted(db.session.scalars(select(Tag.name))),
        }


# The action, the role it needs, the audit log's name for it, and a call of it on the world.
ACTIONS = {
    "dismiss_report": (
        "moderator",
        "dismiss",
        lambda a, w: moderation.dismiss_report(a, w.report_id),
    ),
    "hide_article": ("moderator", "hide", lambda a, w: moderation.hide_article(a, w.slug, "Spam")),
    "unhide_article": (
        "moderator",
        "unhide",
        lambda a, w: moderation.unhide_article(a, w.hidden_slug),
    ),
    "hide_comment": (
        "moderator",
        "hide",
        lambda a, w: moderation.hide_comment(a, w.comment_id, "Rude"),
    ),
    "unhide_comment": (
        "moderator",
        "unhide",
        lambda a, w: moderation.unhide_comment(a, w.hidden_comment_id),
    ),
    "set_role": ("admin", "set-role", lambda a, w: moderation.set_role(a, "target", "moderator")),
    "suspend": ("admin", "suspend", lambda a, w: moderation.suspend(a, "target", "Spam", None)),
    "unsuspend": ("admin", "unsuspend", lambda a, w: moderation.unsuspend(a, "suspended")),
    "delete_user": ("admin", "delete", lambda a, w: moderation.delete_user(a, "target", "target")),
    "rename_tag": ("admin", "rename", lambda a, w: moderation.rename_tag(a, "old", "renamed")),
    "merge_tag": ("admin", "merge", lambda a, w: moderation.merge_tag(a, "old", "other")),
}
RANK = {"user": 0, "moderator": 1, "admin": 2}


@pytest.mark.parametrize("role", RANK)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_action_is_forbidden_below_its_role_and_audited_when_done(app, world, action, role):
    needed, audit_action, call = ACTIONS[action]
    actor = {"user": world.reader, "moderator": world.moderator, "admin": world.admin}[role]
    before, entries_before = state(app), len(audit_entries(app))
    with acting(app, actor) as user:
        if RANK[role] < RANK[needed]:
            with pytest.raises(Forbidden) as refused:
                call(user, world)
            assert list(refused.value.messages) == ["role"]
        else:
            call(user, world)
    entries = audit_entries(app)
    if RANK[role] < RANK[needed]:
        assert state(app) == before
        assert len(entries) == entries_before
    else:
        assert state(app) != before
        [entry] = entries[entries_before:]
        assert (entry.action, entry.actor_id, entry.actor_name) == (
            audit_action,
            actor.id,
            actor.username,
        )
        assert entry.changes


@pytest.mark.parametrize("action", ["hide_article", "dismiss_report", "set_role", "merge_tag"])
def test_a_suspended_staff_member_may_not_act(app, world, action, staff):
    _, _, call = ACTIONS[action]
    sleeper = make_staff(app, staff.factory.user("sleeper"), "admin")
    staff.suspend(sleeper)
    before = state(app)
    with acting(app, sleeper) as user, pytest.raises(Forbidden):
        call(user, world)
    assert state(app) == before


@pytest.mark.parametrize(
    "action",
    [name for name, (role, _, _) in ACTIONS.items() if role == "moderator"]
    + ["rename_tag", "merge_tag"],
)
def test_staff_actions_need_an_actor(app, world, action):
    """Only people and roles (set_role, suspend, unsuspend, delete_user) are the command line's
    to change with no one acting; moderation and tags always have someone on the log."""
    before = state(app)
    with app.app_context(), pytest.raises(Forbidden):
        ACTIONS[action][2](None, world)
    assert state(app) == before


# --- the audit log ----------------------------------------------------------------------------


def test_hiding_and_unhiding_an_article_are_audited_and_resolve_its_reports(app, world, staff):
    comment_report = staff.report(world.author, world.slug, world.comment_id)
    other_reader = staff.factory.user()
    second_report = staff.report(other_reader, world.slug, reason="abuse")
    with acting(app, world.moderator) as moderator:
        article = moderation.hide_article(moderator, world.slug, "Spam links")
        assert article.hidden_at is not None and article.hidden_reason == "Spam links"
        article_id = article.id
    with acting(app, world.moderator) as moderator:
        unhidden = moderation.unhide_article(moderator, world.slug)
        assert (unhidden.hidden_at, unhidden.hidden_reason) == (None, None)

    hide, unhide = audit_entries(app, target_type="article", target_id=article_id)
    assert (hide.action, hide.target_label, hide.reason) == ("hide", world.slug, "Spam links")
    assert hide.changes == {"hidden": [False, True], "hidden_reason": [None, "Spam links"]}
    assert (unhide.action, unhide.reason) == ("unhide", None)
    assert unhide.changes == {"hidden": [True, False], "hidden_reason": ["Spam links", None]}
    # The reports about the article were acted on (and stay so when it is shown again); the
    # one about a comment on it was not.
    status = {r.id: (r.status, r.resolved_by_id, r.open_key) for r in reports(app)}
    assert status[world.report_id] == ("resolved", world.moderator.id, None)
    assert status[second_report] == ("resolved", world.moderator.id, None)
    assert status[comment_report][0] == "open"


def test_hiding_a_comment_resolves_only_its_reports(app, world, staff):
    other_comment = staff.factory.comment(world.author, world.slug, "Another")
    on_comment = staff.report(world.reader, world.slug, other_comment)
    on_hidden = staff.report(staff.factory.user(), world.slug, world.comment_id)
    staff.hide_comment(world.comment_id, "Insults")
    [entry] = audit_entries(app, target_type="comment", target_id=world.comment_id)
    assert (entry.action, entry.reason) == ("hide", "Insults")
    assert entry.target_label.startswith(f"#{world.comment_id}: ")  # and its first words
    assert entry.changes == {"hidden": [False, True], "hidden_reason": [None, "Insults"]}
    status = {r.id: r.status for r in reports(app)}
    assert status == {world.report_id: "open", on_comment: "open", on_hidden: "resolved"}


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (
            lambda a, w: moderation.hide_article(a, w.hidden_slug, "Again"),
            "article",
            "is hidden already",
        ),
        (lambda a, w: moderation.unhide_article(a, w.slug), "article", "is not hidden"),
        (
            lambda a, w: moderation.hide_comment(a, w.hidden_comment_id, "Again"),
            "comment",
            "is hidden already",
        ),
        (lambda a, w: moderation.unhide_comment(a, w.comment_id), "comment", "is not hidden"),
    ],
    ids=["hide a hidden article", "unhide a shown article", "hide a hidden comment",
         "unhide a shown comment"],
)  # fmt: skip
def test_hiding_twice_or_unhiding_what_is_shown_is_invalid(app, world, call, field, message):
    before, entries = state(app), len(audit_entries(app))
    with acting(app, world.moderator) as moderator, pytest.raises(Invalid) as refused:
        call(moderator, world)
    assert refused.value.messages == {field: [message]}
    assert state(app) == before and len(audit_entries(app)) == entries


@pytest.mark.parametrize(
    "call",
    [
        lambda a: moderation.hide_article(a, "no-such-article", "Spam"),
        lambda a: moderation.hide_comment(a, 2_000_000_000, "Spam"),
        lambda a: moderation.dismiss_report(a, 2_000_000_000),
        lambda a: moderation.set_role(a, "nobody", "moderator"),
        lambda a: moderation.suspend(a, "nobody", "Spam", None),
        lambda a: moderation.delete_user(a, "nobody", "nobody"),
        lambda a: moderation.rename_tag(a, "no-such-tag", "x"),
        lambda a: moderation.merge_tag(a, "no-such-tag", "old"),
    ],
    ids=["hide_article", "hide_comment", "dismiss_report", "set_role", "suspend", "delete_user",
         "rename_tag", "merge_tag"],
)  # fmt: skip
def test_acting_on_what_does_not_exist_is_not_found(app, world, call):
    with acting(app, world.admin) as admin, pytest.raises(NotFound):
        call(admin)


def test_dismissing_a_report_closes_it_once(app, world):
    with acting(app, world.moderator) as moderator:
        dismissed = moderation.dismiss_report(moderator, world.report_id)
        assert (dismissed.status, dismissed.open_key) == ("dismissed", None)
        assert dismissed.resolved_by_id == world.moderator.id
        assert dismissed.resolved_at is not None
    with acting(app, world.moderator) as moderator, pytest.raises(Invalid) as refused:
        moderation.dismiss_report(moderator, world.report_id)
    assert refused.value.messages == {"report": ["is dismissed already"]}
    [entry] = audit_entries(app, action="dismiss")
    assert (entry.target_type, entry.target_id) == ("report", world.report_id)
    assert entry.changes == {"status": ["open", "dismissed"]}


def test_role_changes_are_audited_and_the_command_line_acts_as_the_system(app, world):
    with acting(app, world.admin) as admin:
        assert moderation.set_role(admin, "target", "moderator").role == "moderator"
        moderation.set_role(admin, "target", "moderator")  # no change: not on the log
    with app.app_context():
        moderation.set_role(None, "target", "user")
    target = user_row(app, "target")
    first, second = audit_entries(app, action="set-role", target_id=target.id)
    assert (first.actor_name, first.changes) == ("boss", {"role": ["user", "moderator"]})
    assert (second.actor_id, second.actor_name) == (None, "system")
    assert second.changes == {"role": ["moderator", "user"]}
    assert target.role == "user"


def test_suspensions_are_audited_with_what_they_changed(app, world):
    until = utcnow() + timedelta(days=7)
    with acting(app, world.admin) as admin:
        suspended = moderation.suspend(admin, "target", "Spam", until)
        first_at = suspended.suspended_at
        # Suspending again changes the terms, not when it started.
        again = moderation.suspend(admin, "target", "Spam, and abuse", None)
        assert again.suspended_at == first_at and again.suspended_until is None
        lifted = moderation.unsuspend(admin, "target")
        assert (lifted.suspended_at, lifted.suspended_until, lifted.suspension_reason) == (
            None,
            None,
            None,
        )
    target = user_row(app, "target")
    first, second, third = audit_entries(app, target_type="user", target_id=target.id)
    assert (first.action, first.reason) == ("suspend", "Spam")
    assert first.changes == {
        "suspended": [False, True],
        "suspended_until": [None, until.isoformat()],
        "suspension_reason": [None, "Spam"],
    }
    assert second.changes == {
        "suspended": [True, True],
        "suspended_until": [until.isoformat(), None],
        "suspension_reason": ["Spam", "Spam, and abuse"],
    }
    assert (third.action, third.actor_name) == ("unsuspend", "boss")
    assert third.changes == {
        "suspended": [True, False],
        "suspended_until": [None, None],
        "suspension_reason": ["Spam, and abuse", None],
    }


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a: moderation.suspend(a, "boss", "Me", None), "user"),  # themselves
        (
            lambda a: moderation.suspend(a, "target", "Late", utcnow() - timedelta(seconds=1)),
            "until",
        ),
        (lambda a: moderation.unsuspend(a, "target"), "user"),  # not suspended
        (lambda a: moderation.delete_user(a, "boss", "boss"), "user"),  # themselves
        (lambda a: moderation.delete_user(a, "target", "Target"), "confirm"),  # not typed exactly
        (lambda a: moderation.merge_tag(a, "old", "old"), "name"),
    ],
    ids=["suspend yourself", "suspend until the past", "unsuspend who is not", "delete yourself",
         "delete without the exact name", "merge a tag into itself"],
)  # fmt: skip
def test_actions_that_make_no_sense_are_invalid_and_change_nothing(app, world, call, field):
    before, entries = state(app), len(audit_entries(app))
    with acting(app, world.admin) as admin, pytest.raises(Invalid) as refused:
        call(admin)
    assert list(refused.value.messages) == [field]
    assert state(app) == before and len(audit_entries(app)) == entries


# --- the last admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda a: moderation.set_role(a, "boss", "moderator"),
        lambda a: moderation.set_role(None, "boss", "user"),
        lambda a: moderation.suspend(None, "boss", "Away", None),
        lambda a: moderation.delete_user(None, "boss", "boss"),
    ],
    ids=["demotes themselves", "demoted by the CLI", "suspended by the CLI", "deleted by the CLI"],
)
def test_the_last_admin_stays_an_admin(app, world, call):
    before, entries = state(app), len(audit_entries(app))
    with acting(app, world.admin) as admin, pytest.raises(Invalid) as refused:
        call(admin)
    assert "is the last admin" in refused.value.messages["user"][0]
    assert state(app) == before and len(audit_entries(app)) == entries


def test_with_another_admin_an_admin_may_step_down(app, world, factory):
    make_staff(app, factory.user("deputy"), "admin")
    with acting(app, world.admin) as admin:
        moderation.set_role(admin, "boss", "moderator")
    assert user_row(app, "boss").role == "moderator"
    with app.app_context(), pytest.raises(Invalid):
        moderation.set_role(None, "deputy", "user")  # the last one now


def test_a_suspended_admin_does_not_count_as_another_admin(app, world, factory, staff):
    """An admin who is suspended cannot act (require_staff): leaving only them as admin
    leaves nobody to manage the site."""
    sleeper = make_staff(app, factory.user("sleeper"), "admin")
    staff.suspend(sleeper)
    with acting(app, world.admin) as admin, pytest.raises(Invalid):
        moderation.set_role(admin, "boss", "moderator")
    assert user_row(app, "boss").role == "admin"


def demote_each_other_at_once(app, factory, monkeypatch) -> tuple[int, dict]:
    """Two admins each demote the other at the same moment; (admins left, each one's outcome).

    Each checks that another admin remains before the other's demotion commits: the check is
    held back until both have made it, so the race is the same every time. A check that waits
    on the other's lock instead (the guard doing its work) is not waited for after a second."""
    one = make_staff(app, factory.user("one"), "admin")
    two = make_staff(app, factory.user("two"), "admin")
    checked = {one.username: threading.Event(), two.username: threading.Event()}
    original = users.other_admins_locked

    def held_back(user):
        count = original(user)
        actor, other = (two, one) if user.username == one.username else (one, two)
        checked[actor.username].set()
        checked[other.username].wait(timeout=1)
        return count

    monkeypatch.setattr(users, "other_admins_locked", held_back)
    outcomes = {}

    def demote(actor, other):
        with acting(app, actor) as user:
            try:
                moderation.set_role(user, other.username, "moderator")
                outcomes[actor.username] = "done"
            except Exception as error:  # noqa: BLE001 - the outcome is what is tested
                outcomes[actor.username] = error

    threads = [
        threading.Thread(target=demote, args=(one, two)),
        threading.Thread(target=demote, args=(two, one)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        admins = db.session.scalar(select(func.count()).where(User.role == "admin"))
    return admins, outcomes


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, factory, monkeypatch):
    admins, outcomes = demote_each_other_at_once(app, factory, monkeypatch)
    assert admins == 1, outcomes
    assert list(outcomes.values()).count("done") == 1, outcomes


def test_the_admin_who_loses_the_demotion_race_is_told_they_are_the_last(app, factory, monkeypatch):
    """Not a database error (a deadlock, a 500 on the admin page): the guard's own answer."""
    _, outcomes = demote_each_other_at_once(app, factory, monkeypatch)
    refusals = [outcome for outcome in outcomes.values() if outcome != "done"]
    assert len(refusals) == 1, outcomes
    assert isinstance(refusals[0], Invalid), refusals[0]
    assert "is the last admin" in refusals[0].messages["user"][0]


# --- reports ----------------------------------------------------------------------------------


def test_a_report_is_filed_once_per_target_and_updated_after(app, world, staff):
    first = reports(app, id=world.report_id)[0]
    assert (first.reason, first.note, first.status) == ("spam", None, "open")
    again = staff.report(world.reader, world.slug, reason="abuse", note="Worse than spam")
    assert again == world.report_id
    [updated] = reports(app, reporter_id=world.reader.id)
    assert (updated.reason, updated.note) == ("abuse", "Worse than spam")
    assert updated.updated_at > first.updated_at
    # A comment of the same article is another target.
    authors_comment = staff.factory.comment(world.author, world.slug, "A reply")
    on_comment = staff.report(world.reader, world.slug, authors_comment)
    assert on_comment != world.report_id
    # Once closed, reporting it again opens a new report.
    staff.dismiss(world.report_id)
    reopened = staff.report(world.reader, world.slug, reason="other")
    assert reopened not in (world.report_id, on_comment)
    statuses = {r.id: r.status for r in reports(app, reporter_id=world.reader.id)}
    assert statuses == {world.report_id: "dismissed", on_comment: "open", reopened: "open"}


def test_a_report_tells_each_active_staff_member_but_the_reporter_once(app, world, staff):
    with app.app_context():
        db.session.execute(Notification.__table__.delete())
        db.session.commit()
    staff.report(world.moderator, world.slug, reason="spam")  # staff report too
    staff.report(world.author, world.slug, world.comment_id)
    staff.report(world.author, world.slug, world.comment_id, reason="abuse")  # an update
    with app.app_context():
        rows = db.session.execute(
            select(Notification.recipient_id, Notification.actor_id, Notification.comment_id)
            .where(Notification.kind == "reports")
            .order_by(Notification.id)
        ).all()
    assert sorted(rows) == sorted(
        [
            (world.admin.id, world.moderator.id, None),  # not the moderator who reported
            (world.admin.id, world.author.id, world.comment_id),
            (world.moderator.id, world.author.id, world.comment_id),
        ]
    )


@pytest.mark.parametrize(
    ("target", "error", "field"),
    [
        ("own article", Invalid, "article"),
        ("own comment", Invalid, "comment"),
        ("hidden article", NotFound, "article"),
        ("hidden comment", NotFound, "comment"),
        ("comment of another article", NotFound, "comment"),
    ],
)
def test_what_cannot_be_reported(app, world, factory, target, error, field):
    elsewhere = factory.article(world.author)
    reporter, slug, comment_id = {
        "own article": (world.author, world.slug, None),
        "own comment": (world.reader, world.slug, world.comment_id),
        "hidden article": (world.reader, world.hidden_slug, None),
        "hidden comment": (world.author, world.slug, world.hidden_comment_id),
        "comment of another article": (world.author, elsewhere, world.comment_id),
    }[target]
    before = len(reports(app))
    with acting(app, reporter) as user, pytest.raises(error) as refused:
        moderation.report(user, slug, comment_id, {"reason": "spam"})
    assert list(refused.value.messages) == [field]
    assert len(reports(app)) == before


# --- deleting people ----------------------------------------------------------------------------


def test_deleting_a_user_takes_their_writing_and_keeps_everyone_elses_counts(app, world, factory):
    victim, friend, fan = factory.user("victim"), factory.user("friend"), factory.user("fan")
    own = [factory.article(victim, tag_list=["victim-tag"]) for _ in range(2)]
    for slug in own:
        factory.comment(victim, slug)
        factory.favorite(fan, slug)
    factory.comment(victim, world.slug)
    factory.favorite(victim, world.slug)
    factory.favorite(fan, world.slug)
    factory.follow(victim, friend)
    factory.follow(fan, friend)
    factory.follow(fan, victim)
    with acting(app, victim) as user:
        moderation.report(user, world.slug, world.comment_id, {"reason": "spam"})

    with acting(app, world.admin) as admin:
        moderation.delete_user(admin, "victim", "victim")

    [entry] = audit_entries(app, action="delete")
    assert (entry.target_type, entry.target_id, entry.target_label) == ("user", victim.id, "victim")
    assert entry.changes == {
        "articles": [2, 0],
        "comments": [3, 0],
        "email": ["victim@example.com", None],
    }
    with app.app_context():
        assert db.session.get(User, victim.id) is None
        for slug in own:
            with pytest.raises(NotFound):
                articles.get_article(slug, None)
        fan_user, author = db.session.get(User, fan.id), db.session.get(User, world.author.id)
        article = articles.get_article(world.slug, fan_user)
        assert (article.favorites_count, article.favorited) == (1, True)
        assert [c.author.username for c in articles.list_comments(world.slug, None)] == ["reader"]
        assert users.get_profile("friend", fan_user).following is True
        assert users.get_profile("friend", author).following is False
        gone = (
            (favorites, favorites.c.user_id),
            (follows, follows.c.follower_id),
            (follows, follows.c.followed_id),
            (Report.__table__, Report.reporter_id),
        )
        for table, column in gone:
            assert (
                db.session.scalar(
                    select(func.count()).select_from(table).where(column == victim.id)
                )
                == 0
            )
        assert "victim-tag" not in articles.popular_tags(20)


def test_the_audit_log_outlives_a_deleted_actor(app, world, factory):
    former = make_staff(app, factory.user("former"), "admin")
    with acting(app, former) as actor:
        moderation.hide_article(actor, world.slug, "Off-topic")
    with acting(app, world.admin) as admin:
        moderation.delete_user(admin, "former", "former")
    [entry] = audit_entries(app, action="hide", actor_name="former")
    assert entry.actor_id is None
    assert (entry.target_label, entry.reason) == (world.slug, "Off-topic")


# --- tags ---------------------------------------------------------------------------------------


def tagged(app, name: str) -> set[str]:
    with app.app_context():
        return {a.slug for a in articles.list_articles(None, tag=name, limit=100).articles}


def found(app, words: str) -> set[str]:
    with app.app_context():
        return {a.slug for a in articles.search_articles(None, words, limit=100).articles}


def test_renaming_a_tag_moves_its_articles_and_their_search(app, world, factory, client):
    second = factory.article(world.author, tag_list=["old"])
    assert client.get("/api/tags").json["tags"].count("old") == 1  # cached from here
    with acting(app, world.admin) as admin:
        tag = moderation.rename_tag(admin, "old", "zeppelins")
        assert tag.name == "zeppelins"
        tag_id = tag.id
    assert tagged(app, "zeppelins") == {world.slug, second}
    assert tagged(app, "old") == set()
    assert found(app, "zeppelins") == {world.slug, second}
    tags = client.get("/api/tags").json["tags"]
    assert "zeppelins" in tags and "old" not in tags
    with app.app_context():
        assert db.session.scalar(select(Tag).where(Tag.name == "old")) is None
    [entry] = audit_entries(app, action="rename")
    assert (entry.target_id, entry.target_label) == (tag_id, "zeppelins")
    assert entry.changes == {"name": ["old", "zeppelins"]}


def test_renaming_onto_another_tag_is_a_conflict(app, world):
    before = state(app)
    with acting(app, world.admin) as admin, pytest.raises(Conflict):
        moderation.rename_tag(admin, "old", "other")
    with acting(app, world.admin) as admin:
        assert moderation.rename_tag(admin, "old", "old").name == "old"  # nothing to do
    assert state(app) == before and audit_entries(app, action="rename") == []


def test_merging_a_tag_moves_its_articles_once(app, world, factory):
    both = factory.article(world.author, tag_list=["old", "marmalade"])
    only_target = factory.article(world.author, tag_list=["marmalade"])
    with acting(app, world.admin) as admin:
        assert moderation.merge_tag(admin, "old", "marmalade").name == "marmalade"
    assert tagged(app, "marmalade") == {world.slug, both, only_target}
    assert tagged(app, "old") == set()
    assert found(app, "marmalade") == {world.slug, both, only_target}
    with app.app_context():
        links = db.session.execute(
            select(article_tags.c.article_id, func.count()).group_by(article_tags.c.article_id)
        ).all()
        assert all(count <= 2 for _, count in links)  # "marmalade" once on each
    [entry] = audit_entries(app, action="merge")
    assert entry.changes == {"name": ["old", "marmalade"], "articles_moved": [0, 1]}


# --- the end of suspensions ---------------------------------------------------------------------


def test_expired_suspensions_are_lifted_by_the_system(app, factory, staff):
    now = utcnow()
    dated, later, open_ended = factory.user("dated"), factory.user("later"), factory.user("open")
    staff.suspend(dated, "Cool off", now + timedelta(hours=1))
    staff.suspend(later, "Longer", now + timedelta(days=3))
    staff.suspend(open_ended, "Until lifted")
    with app.app_context():
        assert moderation.lift_expired_suspensions(now) == []
        assert moderation.lift_expired_suspensions(now + timedelta(hours=2)) == ["dated"]
        assert moderation.lift_expired_suspensions(now + timedelta(hours=2)) == []  # once
    assert user_row(app, "dated").suspended_at is None
    assert user_row(app, "later").suspended_at is not None
    assert user_row(app, "open").suspended_at is not None
    [entry] = audit_entries(app, action="unsuspend")
    assert (entry.actor_id, entry.actor_name, entry.target_label) == (None, "system", "dated")
    assert entry.changes == {
        "suspended": [True, False],
        "suspended_until": [(now + timedelta(hours=1)).isoformat(), None],
        "suspension_reason": ["Cool off", None],
    }


def test_the_workers_task_lifts_what_has_expired(app, factory, staff):
    dated = factory.user("dated")
    staff.suspend(dated, "Cool off", utcnow() + timedelta(hours=1))
    with app.app_context():
        run = app.extensions["celery"].tasks[lift_task.name].apply  # this app's Celery
        assert run().result == 0
        db.session.execute(
            User.__table__.update()
            .where(User.id == dated.id)
            .values(suspended_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert run().result == 1
    assert user_row(app, "dated").suspended_at is None
