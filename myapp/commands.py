"""Flask CLI commands. They call the services, so demo data obeys the same rules as real data."""

import random
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from faker import Faker

from myapp.articles import services as articles
from myapp.errors import DomainError
from myapp.models import utcnow
from myapp.moderation import services as moderation
from myapp.notifications import outbox
from myapp.users import services as users
from myapp.users.models import ROLES

DEMO_PASSWORD = "conduit-demo"
SCHEDULED_DEMO_MINUTES = 3
TOPICS = [
    "python", "flask", "sqlalchemy", "testing", "devops", "design", "writing", "career",
    "databases", "security", "performance", "javascript", "css", "opensource", "productivity",
    "architecture", "api", "caching", "linux", "learning",
]  # fmt: skip


def markdown_body(fake: "Faker") -> str:
    """A few sections of Markdown: headings, paragraphs, a list, a link and some code."""
    parts = []
    for _ in range(random.randint(2, 4)):
        parts.append(f"## {fake.sentence(nb_words=4).rstrip('.')}")
        parts.extend(fake.paragraph(nb_sentences=random.randint(3, 6)) for _ in range(2))
    parts.append("\n".join(f"- {fake.sentence(nb_words=6)}" for _ in range(3)))
    parts.append(f"Read more on [{fake.domain_name()}]({fake.url()}).")
    parts.append(f"```python\nprint({fake.word()!r})\n```")
    return "\n\n".join(parts)


@click.command("seed")
@click.option("--users", "user_count", default=20, show_default=True, help="Users to create.")
@click.option("--articles", "article_count", default=60, show_default=True)
@click.option("--comments", "comment_count", default=150, show_default=True)
@click.option("--follows", "follow_count", default=60, show_default=True)
@click.option("--favorites", "favorite_count", default=150, show_default=True)
@click.option("--seed", "random_seed", default=None, type=int, help="Make the data repeatable.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has users already.")
@with_appcontext
def seed(
    user_count: int,
    article_count: int,
    comment_count: int,
    follow_count: int,
    favorite_count: int,
    random_seed: int | None,
    if_empty: bool,
) -> None:
    """Fill the database with realistic demo data (every user's password: conduit-demo)."""
    if if_empty and users.count_users():
        click.echo("The database has users already: not seeding.")
        _echo_staff_sign_in()
        return
    from faker import Faker  # here, not at import: every app process would load it otherwise

    fake = Faker()
    if random_seed is not None:
        Faker.seed(random_seed)
        random.seed(random_seed)

    people = []
    with click.progressbar(range(user_count), label=f"{user_count:>5} users    ") as bar:
        for _ in bar:
            name = f"{fake.first_name()}.{fake.last_name()}".lower()
            try:
                user = users.register(
                    f"{name}{random.randint(1, 999)}",
                    f"{name}@example.com",
                    DEMO_PASSWORD,
                )
            except DomainError:
                continue  # a name Faker gave twice
            people.append(users.update_user(user, {"bio": fake.sentence(nb_words=12)}))
    if not people:
        raise click.ClickException("no users could be created")

    slugs = []
    with click.progressbar(range(article_count), label=f"{article_count:>5} articles ") as bar:
        for _ in bar:
            data = {
                "title": fake.sentence(nb_words=random.randint(3, 8)).rstrip("."),
                "description": fake.sentence(nb_words=14),
                "body": markdown_body(fake),
                "tag_list": sorted(random.sample(TOPICS, random.randint(1, 3))),
            }
            slugs.append(articles.create_article(random.choice(people), data).slug)

    comments = []  # (slug, comment id, its author)
    with click.progressbar(range(comment_count), label=f"{comment_count:>5} comments ") as bar:
        for _ in bar:
            if slugs:
                body = fake.paragraph(nb_sentences=random.randint(1, 3))
                author, slug = random.choice(people), random.choice(slugs)
                comments.append((slug, articles.add_comment(author, slug, body).id, author))

    with click.progressbar(range(follow_count), label=f"{follow_count:>5} follows  ") as bar:
        for _ in bar:
            follower, followed = random.sample(people, 2) if len(people) > 1 else (None, None)
            if follower is not None:
                users.follow(follower, followed.username)

    with click.progressbar(range(favorite_count), label=f"{favorite_count:>5} favorites") as bar:
        for _ in bar:
            if slugs:
                articles.favorite(random.choice(people), random.choice(slugs))

    _seed_staff_and_reports(people, slugs, comments)

    writer = people[0]
    for follower in people[1:4]:  # someone to tell about the scheduled article below
        users.follow(follower, writer.username)
    # Demo activity emails nobody; the scheduled article notifies its followers for real.
    outbox.discard_pending()
    publish_at = utcnow() + timedelta(minutes=SCHEDULED_DEMO_MINUTES)
    scheduled = {
        "title": "Coming soon: an article the worker publishes",
        "description": f"Scheduled to publish {SCHEDULED_DEMO_MINUTES} minutes after seeding",
        "body": markdown_body(fake),
        "tag_list": ["scheduling"],
        "publish_at": publish_at,
    }
    articles.create_article(writer, scheduled)
    click.echo(
        f"Seeded {len(people)} users, {len(slugs)} articles, {comment_count} comments, and one "
        f"article that the worker publishes at {publish_at:%H:%M} UTC. "
        f"Sign in as {writer.email} with password {DEMO_PASSWORD!r}."
    )
    _echo_staff_sign_in()


# The demo's staff, and what readers reported for them to handle.
DEMO_STAFF = {"admin": "admin", "moderator": "moderator"}  # username: role
DEMO_REPORTS = [
    ("spam", "Looks like an advertisement."),
    ("off-topic", None),
    ("abuse", "Rude to another reader."),
    ("other", "The code sample does not run."),
]


def _seed_staff_and_reports(people: list, slugs: list[str], comments: list) -> None:
    for username, role in DEMO_STAFF.items():
        users.register(username, f"{username}@example.com", DEMO_PASSWORD)
        moderation.set_role(None, username, role)
    for n, (reason, note) in enumerate(DEMO_REPORTS):
        if n % 2 and comments:  # every other one about a comment
            slug, comment_id, author = random.choice(comments)
            reporter = random.choice([p for p in people if p.id != author.id])
            moderation.report(reporter, slug, comment_id, {"reason": reason, "note": note})
        elif slugs:
            slug = random.choice(slugs)
            author_id = articles.article_ref(slug, None).author_id
            reporter = random.choice([p for p in people if p.id != author_id])
            moderation.report(reporter, slug, None, {"reason": reason, "note": note})


def _echo_staff_sign_in() -> None:
    """How to sign in as the demo's staff, if the demo data has them."""
    for username, role in DEMO_STAFF.items():
        if users.get_profile_user(username) is not None:
            click.echo(
                f"Sign in as the {role}: {username}@example.com, password {DEMO_PASSWORD!r} "
                f"(the admin area is at /admin/)."
            )


# --- people and roles ---------------------------------------------------------------------------


@click.group("users")
def users_group() -> None:
    """Accounts and staff roles: create, list, set roles, suspend."""


def _run(action, *args):  # noqa: ANN001, ANN202 - any service call
    """A service call whose domain errors become the command's error message."""
    try:
        return action(*args)
    except DomainError as error:
        field, messages = next(iter(error.messages.items()))
        raise click.ClickException(f"{field} {messages[0]}") from None


def _load(schema, data: dict) -> dict:  # noqa: ANN001 - a marshmallow schema
    from marshmallow import ValidationError

    try:
        return schema.load(data)
    except ValidationError as error:
        problems = "; ".join(f"{k} {' '.join(map(str, v))}" for k, v in error.messages.items())
        raise click.ClickException(problems) from None


@users_group.command("create")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="user", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(username: str, email: str, role: str, password_stdin: bool) -> None:
    """Create an account (asks for its password unless --password-stdin)."""
    from myapp.users.schemas import RegisterSchema

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    data = _load(RegisterSchema(), {"username": username, "email": email, "password": password})
    user = _run(users.register, data["username"], data["email"], data["password"])
    if role != "user":
        _run(moderation.set_role, None, user.username, role)
    click.echo(f"Created {user.username} <{user.email}> with the role {role}.")


@users_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def set_role(username: str, role: str) -> None:
    """Make USERNAME a user, moderator or admin."""
    user = _run(moderation.set_role, None, username, role)
    click.echo(f"{user.username} is now {'an' if role == 'admin' else 'a'} {role}.")


@users_group.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only this role.")
@with_appcontext
def list_users(role: str | None) -> None:
    """List accounts (username, email, role, suspension), staff first."""
    for user in users.list_accounts(role):
        suspended = ""
        if user.suspended_at is not None:
            until = f" until {user.suspended_until:%Y-%m-%d %H:%M}Z" if user.suspended_until else ""
            suspended = f"\tsuspended{until}: {user.suspension_reason or ''}"
        click.echo(f"{user.username}\t{user.email}\t{user.role}{suspended}")


@users_group.command("suspend")
@click.argument("username")
@click.option("--reason", required=True, help="Why (the user is told).")
@click.option("--until", help="When it ends: a date (2026-12-01) or an ISO 8601 time with offset.")
@with_appcontext
def suspend_user(username: str, reason: str, until: str | None) -> None:
    """Suspend USERNAME: no sign-in, and what they wrote is hidden."""
    from myapp.moderation.schemas import SuspendSchema

    data = _load(SuspendSchema(), {"reason": reason, "until": until})
    _run(moderation.suspend, None, username, data["reason"], data["until"])
    click.echo(
        f"{username} is suspended"
        + (f" until {data['until']:%Y-%m-%d %H:%M}Z." if data["until"] else ".")
    )


@users_group.command("unsuspend")
@click.argument("username")
@with_appcontext
def unsuspend_user(username: str) -> None:
    """Lift USERNAME's suspension."""
    _run(moderation.unsuspend, None, username)
    click.echo(f"{username} is no longer suspended.")


@click.group("notifications")
def notifications() -> None:
    """The email outbox: what failed, and sending it again."""


@notifications.command("failed")
@click.option("--limit", default=100, show_default=True)
@with_appcontext
def failed_notifications(limit: int) -> None:
    """List the emails that gave up after their retries."""
    from myapp.notifications import services as outbox

    rows = outbox.failed(limit)
    if not rows:
        click.echo("No failed notifications.")
    for row in rows:
        click.echo(
            f"{row.id}\t{row.kind}\tto user {row.recipient_id}\t{row.attempts} attempts\t"
            f"{row.created_at:%Y-%m-%d %H:%M}Z\t{row.last_error or ''}"
        )


@notifications.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "retry_all", is_flag=True, help="Every failed notification.")
@with_appcontext
def retry_notifications(ids: tuple[int, ...], retry_all: bool) -> None:
    """Send failed notifications (IDS, or --all) again."""
    from myapp.notifications import services as outbox
    from myapp.tasks import deliver_notification
    from myapp.worker import queue

    if bool(ids) == retry_all:
        raise click.UsageError("give the ids to retry, or --all")
    retried, to_queue = outbox.retry(None if retry_all else list(ids))
    for notification_id in to_queue:
        queue(deliver_notification, notification_id)
    missing = set(ids) - set(retried)
    click.echo(f"Queued {len(retried)} notification(s) again.")
    if missing:
        click.echo(f"Not failed (or no such id): {', '.join(map(str, sorted(missing)))}", err=True)


@click.group("related")
def related() -> None:
    """Related articles ("Read next"), which the worker computes."""


@related.command("rebuild")
@with_appcontext
def rebuild_related() -> None:
    """Recompute the related articles of every published article, from a new vocabulary."""
    import resource

    from myapp.articles import related as model  # scikit-learn: loaded only when asked for

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    before = peak_mb()
    rebuilt = model.rebuild()
    click.echo(
        f"Computed the related articles of {rebuilt.articles} article(s) in "
        f"{rebuilt.seconds:.1f} s (peak memory {peak_mb():.0f} MB, "
        f"{before:.0f} MB of it before the rebuild)."
    )
