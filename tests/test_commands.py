"""The flask CLI commands."""

from sqlalchemy import func, select

from myapp.articles.models import SCHEDULED, Article, Comment, favorites
from myapp.extensions import db
from myapp.models import utcnow
from myapp.notifications.models import PENDING, Notification
from myapp.users.models import User, follows


def count(app, table) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(table))


def test_seed_fills_the_database(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "seed",
            "--users",
            "4",
            "--articles",
            "6",
            "--comments",
            "5",
            "--follows",
            "3",
            "--favorites",
            "4",
            "--seed",
            "7",
        ]  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert count(app, User) == 4 + 2  # and the demo staff: admin and moderator
    assert count(app, Article) == 6 + 1  # and one scheduled a few minutes ahead
    with app.app_context():
        scheduled = db.session.scalar(select(Article).where(Article.status == SCHEDULED))
        assert scheduled.publish_at > utcnow()
        # Demo activity emails nobody.
        pending = select(func.count()).where(Notification.status == PENDING)
        assert db.session.scalar(pending) == 0
    assert count(app, Comment) == 5
    assert 1 <= count(app, follows) <= 3 + 3  # drawn pairs may repeat; 3 follow the scheduler
    assert 1 <= count(app, favorites) <= 4
    assert "password 'conduit-demo'" in result.output

    client = app.test_client()
    listing = client.get("/api/articles").json
    assert listing["articlesCount"] == 6
    assert all(article["tagList"] for article in listing["articles"])


def test_seed_if_empty_leaves_a_used_database_alone(app, factory):
    factory.user()
    result = app.test_cli_runner().invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0
    assert "not seeding" in result.output
    assert count(app, User) == 1
