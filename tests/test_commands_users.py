"""``flask users``: create accounts with a role, set roles, list, suspend and unsuspend, through
the same services (and audit log) as the admin area; and the staff ``flask seed`` makes."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.models import utcnow
from myapp.moderation.models import OPEN, AuditEntry, Report
from myapp.users import services as users
from myapp.users.models import User
from tests.moderation.conftest import Staff


def run(app, *args, input=None):  # noqa: A002 - click's name
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def user(app, username: str) -> User | None:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge_all()
        return found


def audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        entries = list(db.session.scalars(query))
        db.session.expunge_all()
        return entries


def create(app, username: str, role: str = "user", password: str = "correct-horse-battery"):
    """``flask users create``, typing the password at its prompt (twice)."""
    return run(
        app,
        "create",
        "--username",
        username,
        "--email",
        f"{username}@example.com",
        "--role",
        role,
        input=f"{password}\n{password}\n",
    )


# --- create ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["user", "moderator", "admin"])
def test_create_makes_an_account_that_signs_in_with_its_role(app, role):
    result = create(app, "newcomer", role)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        f"Created newcomer <newcomer@example.com> with the role {role}.\n"
    )
    assert "correct-horse-battery" not in result.output  # the prompt hides what is typed
    assert user(app, "newcomer").role == role
    with app.app_context():
        assert users.authenticate("newcomer@example.com", "correct-horse-battery").role == role
    expected = [] if role == "user" else [("system", {"role": ["user", role]})]
    assert [(e.actor_name, e.changes) for e in audit(app, "set-role")] == expected


def test_create_reads_the_password_from_stdin(app):
    """For scripts: one line, no prompt, nothing echoed."""
    result = run(
        app,
        "create",
        "--username",
        "scripted",
        "--email",
        "scripted@example.com",
        "--password-stdin",
        input="piped-password-1\n",
    )
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.output == "Created scripted <scripted@example.com> with the role user.\n"
    with app.app_context():
        assert users.authenticate("scripted@example.com", "piped-password-1").username == "scripted"


def test_create_refuses_different_passwords_at_the_prompt(app):
    result = run(
        app,
        "create",
        "--username",
        "typo",
        "--email",
        "typo@example.com",
        input="first-password-1\nsecond-password-1\n" * 2,
    )
    assert result.exit_code != 0
    assert user(app, "typo") is None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--username", "bad name!", "--email", "x@example.com"], "long-enough-1", "username"),
        (["--username", "okname", "--email", "not-an-email"], "long-enough-1", "email"),
        (["--username", "okname", "--email", "x@example.com"], "short", "password"),
        (
            ["--username", "taken", "--email", "new@example.com"],
            "long-enough-1",
            "username has already been taken",
        ),
        (
            ["--username", "new", "--email", "taken@example.com"],
            "long-enough-1",
            "email has already been taken",
        ),
    ],
    ids=["bad username", "bad email", "short password", "taken username", "taken email"],
)
def test_create_refuses_what_sign_up_refuses(app, factory, args, password, message):
    factory.user("taken")
    result = run(app, "create", *args, input=f"{password}\n{password}\n")
    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_create_refuses_an_unknown_role(app):
    result = create(app, "newcomer", "overlord")
    assert result.exit_code == 2 and "overlord" in result.output
    assert user(app, "newcomer") is None


# --- set-role and list ----------------------------------------------------------------------


def test_set_role_changes_the_role_on_the_audit_log(app, factory):
    factory.user("helper")
    result = run(app, "set-role", "helper", "moderator")
    assert (result.exit_code, result.output) == (0, "helper is now a moderator.\n")
    result = run(app, "set-role", "helper", "admin")
    assert result.output == "helper is now an admin.\n"
    assert user(app, "helper").role == "admin"
    changes = [(e.actor_id, e.actor_name, e.changes) for e in audit(app, "set-role")]
    assert changes == [
        (None, "system", {"role": ["user", "moderator"]}),
        (None, "system", {"role": ["moderator", "admin"]}),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set-role", "nobody", "admin"], "Error: user not found"),
        (["set-role", "boss", "user"], "Error: user is the last admin"),
        (["set-role", "boss", "emperor"], "Invalid value"),
    ],
)
def test_set_role_refusals(app, factory, args, message):
    factory.user("boss")
    run(app, "set-role", "boss", "admin")
    result = run(app, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert user(app, "boss").role == "admin"


def test_list_shows_staff_first_and_filters_by_role(app, factory):
    for name in ("zed", "amy"):
        factory.user(name)
    run(app, "set-role", "zed", "admin")
    run(app, "set-role", "amy", "moderator")
    factory.user("bob")
    until = utcnow() + timedelta(days=2)
    Staff(app, factory).suspend(factory.user("carl"), "Spam", until)
    result = run(app, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["zed", "amy", "bob", "carl"]
    assert lines[0] == "zed\tzed@example.com\tadmin"
    assert (
        lines[3] == f"carl\tcarl@example.com\tuser\tsuspended until {until:%Y-%m-%d %H:%M}Z: Spam"
    )
    moderators = run(app, "list", "--role", "moderator")
    assert moderators.output == "amy\tamy@example.com\tmoderator\n"


# --- suspend and unsuspend ------------------------------------------------------------------


def test_suspend_until_a_date_and_unsuspend(app, factory, client):
    account = factory.user("rowdy")
    result = run(app, "suspend", "rowdy", "--reason", "Flooding comments", "--until", "2031-01-02")
    assert (result.exit_code, result.output) == (0, "rowdy is suspended until 2031-01-02 00:00Z.\n")
    row = user(app, "rowdy")
    assert row.suspended_until == datetime(2031, 1, 2, tzinfo=UTC)
    assert row.suspension_reason == "Flooding comments"
    assert client.get("/api/user", headers=account.headers).status_code == 403
    [entry] = audit(app, "suspend")
    assert (entry.actor_name, entry.reason) == ("system", "Flooding comments")

    result = run(app, "unsuspend", "rowdy")
    assert (result.exit_code, result.output) == (0, "rowdy is no longer suspended.\n")
    assert user(app, "rowdy").suspended_at is None
    assert client.get("/api/user", headers=account.headers).status_code == 200
    assert len(audit(app, "unsuspend")) == 1


def test_suspend_until_a_moment_with_an_offset_and_until_lifted(app, factory):
    factory.user("rowdy")
    result = run(app, "suspend", "rowdy", "--reason", "R", "--until", "2031-01-02T10:30:00+02:00")
    assert result.output == "rowdy is suspended until 2031-01-02 08:30Z.\n"
    factory.user("other")
    result = run(app, "suspend", "other", "--reason", "Until we talk")
    assert (result.exit_code, result.output) == (0, "other is suspended.\n")
    row = user(app, "other")
    assert row.suspended_at is not None and row.suspended_until is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["suspend", "rowdy", "--reason", "R", "--until", "next week"],
            "Error: until must be a date",
        ),
        (
            ["suspend", "rowdy", "--reason", "R", "--until", "2031-01-02T10:30:00"],
            "Error: until must be a date",
        ),
        (
            ["suspend", "rowdy", "--reason", "R", "--until", "2001-01-01"],
            "Error: until must be in the future",
        ),
        (["suspend", "rowdy", "--reason", "   "], "Error: reason"),
        (["suspend", "rowdy"], "Missing option '--reason'"),
        (["suspend", "nobody", "--reason", "R"], "Error: user not found"),
        (["unsuspend", "rowdy"], "Error: user is not suspended"),
        (["unsuspend", "nobody"], "Error: user not found"),
    ],
    ids=[
        "unreadable date",
        "no offset",
        "past date",
        "blank reason",
        "no reason",
        "unknown user",
        "not suspended",
        "unknown user to unsuspend",
    ],
)
def test_suspension_refusals_change_nothing(app, factory, args, message):
    factory.user("rowdy")
    result = run(app, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert user(app, "rowdy").suspended_at is None
    assert audit(app, "suspend") == []


def test_the_last_admin_cannot_be_suspended(app, factory):
    factory.user("boss")
    run(app, "set-role", "boss", "admin")
    result = run(app, "suspend", "boss", "--reason", "Oops")
    assert result.exit_code == 1 and "Error: user is the last admin" in result.output
    assert user(app, "boss").suspended_at is None


# --- the demo's staff -----------------------------------------------------------------------


def test_seed_makes_an_admin_a_moderator_and_open_reports(app, monkeypatch):
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)
    seed = [
        "seed",
        "--users",
        "3",
        "--articles",
        "4",
        "--comments",
        "4",
        "--follows",
        "0",
        "--favorites",
        "0",
        "--seed",
        "3",
    ]
    result = app.test_cli_runner().invoke(args=seed)
    assert result.exit_code == 0, result.output
    assert user(app, "admin").role == "admin" and user(app, "moderator").role == "moderator"
    with app.app_context():
        for name in ("admin", "moderator"):
            assert users.authenticate(f"{name}@example.com", "conduit-demo").username == name
        filed = list(db.session.scalars(select(Report)))
        assert len(filed) == 4 and {r.status for r in filed} == {OPEN}
        assert {r.reason for r in filed} == {"spam", "off-topic", "abuse", "other"}
        assert sum(r.comment_id is not None for r in filed) == 2
    for role in ("admin", "moderator"):
        assert (
            f"Sign in as the {role}: {role}@example.com, password 'conduit-demo'" in result.output
        )
    again = app.test_cli_runner().invoke(args=["seed", "--if-empty"])
    assert "not seeding" in again.output
    assert "Sign in as the admin: admin@example.com" in again.output
