"""A writer schedules an article a minute ahead in a real browser; a real worker and beat (the
embedded broker, beat's production interval) publish it, and a reader sees it on the home page."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.workers import Worker

pytestmark = pytest.mark.browser


def next_minute_at_least_a_minute_away() -> datetime:
    """``datetime-local`` takes whole minutes: the first one at least 60 s from now."""
    soon = datetime.now(UTC) + timedelta(seconds=60)
    return (soon + timedelta(minutes=1)).replace(second=0, microsecond=0)


def test_an_article_scheduled_a_minute_ahead_appears_on_the_home_page(
    open_browser, factory, database_url, tmp_path
):
    account = factory.user("planner")
    writer = open_browser(javascript=True)
    writer.goto("/login")
    writer.get_by_label("Email").fill(account.email)
    writer.get_by_label("Password").fill(account.password)
    writer.get_by_role("button", name="Sign in").click()
    writer.wait_for_url("**/")

    when = next_minute_at_least_a_minute_away()
    writer.goto("/editor")
    writer.get_by_label("Title").fill("Published by the worker")
    writer.get_by_label("Description").fill("It waited for its minute")
    writer.get_by_label("Body").fill("Right on time.")
    writer.get_by_label("Date and time").fill(f"{when:%Y-%m-%dT%H:%M}")
    writer.get_by_label("Time zone").select_option("UTC")
    writer.get_by_role("button", name="Schedule").click()
    writer.wait_for_url("**/article/published-by-the-worker")
    assert writer.get_by_text("only you can see it until then", exact=False).is_visible()

    reader = open_browser(javascript=False)
    reader.goto("/")
    assert not reader.get_by_role("heading", name="Published by the worker").is_visible()

    broker = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    settings = {"DATABASE_URL": database_url, "CELERY_BROKER_URL": broker}
    # Beat at its production interval (30 s): the article is due within 70 s of its time.
    with Worker(tmp_path, PUBLISH_INTERVAL_SECONDS="30", MAIL_FOLDER=str(tmp_path), **settings):
        deadline = when + timedelta(seconds=70)
        while datetime.now(UTC) < deadline:
            reader.goto("/")
            if reader.get_by_role("heading", name="Published by the worker").is_visible():
                break
            time.sleep(2)
        seen = datetime.now(UTC)
    assert reader.get_by_role("heading", name="Published by the worker").is_visible(), (
        f"not on the home page 70 s after {when:%H:%M:%S} UTC"
    )
    assert seen >= when  # not before its time either
    writer.goto("/article/published-by-the-worker")
    assert not writer.get_by_text("only you can see it until then", exact=False).is_visible()
