"""The accessibility run (``make a11y``): one live server, one Chromium, one realistic site.

``make test`` leaves this folder out (setup.cfg): it needs the node packages of package.json.
The server and the browser are the browser tests' own fixtures. The site is built once for the
whole run, and the database is not emptied between tests: every page state only reads it (the
states reached by a form post are refused posts, which write nothing).
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from myapp.articles import services as articles
from myapp.articles.models import DRAFT
from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.moderation.models import AuditEntry
from myapp.users import services as users
from tests.browser.conftest import browser, live_server  # noqa: F401 - the shared fixtures
from tests.factories import Account, Factory

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-good-password"

SHOWCASE_BODY = """\
Dragons are patient animals, and **training** one takes *months*. This guide collects what
keepers have learned, from the [Royal Society of Keepers](https://example.org/keepers) and our own
mistakes.

![A young dragon resting on a rock](https://example.org/images/dragon.png)

## Feeding

> Feed little and often: a hungry dragon learns nothing, a full one sleeps.
>
> — an old keeper's saying

| Age (months) | Meals a day | Grams of fish |
|---|---|---|
| 0–3 | 6 | 200 |
| 3–12 | 4 | 800 |
| 12 and over | 2 | 2,500 |

## Keeping records

Log every meal; a short script turns the log into a weekly summary:

```python
from collections import Counter


def weekly_summary(meals: list[tuple[str, int]]) -> dict[str, int]:
    \"\"\"Grams of fish eaten per dragon over the week, the hungriest first.\"\"\"
    totals = Counter()
    for dragon, grams in meals:
        totals[dragon] += grams
    return dict(totals.most_common())
```

### A checklist

1. Water, every morning.
2. A warm rock, every night.
3. Patience, always: `rest` is part of training.

- Never shout.
- Never feed from the hand.
"""


@dataclass(frozen=True)
class Site:
    """What the page states visit: the people and the things they wrote."""

    writer: Account
    reader: Account
    admin: Account
    showcase: str  # the writer's long article, with comments, tags and favorites
    draft: str  # the writer's draft
    reader_comment: int  # the reader's comment on the showcase
    report_id: int
    audit_id: int
    reset_token: str
    unsubscribe_token: str
    search_term: str


@pytest.fixture(autouse=True)
def _empty_database() -> None:
    """Keep the site for the whole run (this replaces the suite's emptying after each test)."""


@pytest.fixture(scope="session")
def site(app: Flask) -> Site:
    factory = Factory(app)
    writer = factory.user("writer", password=PASSWORD, bio="I write about dragons and code.")
    reader = factory.user("reader", password=PASSWORD)
    admin = factory.user("admin", password=PASSWORD)
    fan = factory.user("fan", password=PASSWORD)
    showcase = factory.article(
        writer,
        title="Training dragons: a field guide",
        description="What keepers learned about feeding, records and patience",
        body=SHOWCASE_BODY,
        tag_list=["dragons", "training", "python"],
    )
    # More than two pages of articles, so that the home page and profiles have page links.
    for n in range(1, 24):
        factory.article(
            writer if n % 2 else fan,
            title=f"Dragon keeping, part {n}",
            description=f"Notes from week {n} of keeping dragons",
            body=f"Week {n}: the dragons ate, slept and learned **one** new command.",
            tag_list=["dragons"] if n % 3 else ["dragons", "training"],
        )
    draft = factory.article(
        writer,
        title="Dragons at night (draft)",
        description="Unfinished",
        body="Still writing this one.",
        tag_list=["dragons"],
        status=DRAFT,
    )
    factory.follow(reader, writer)
    factory.follow(fan, writer)
    factory.follow(writer, reader)
    factory.favorite(reader, showcase)
    factory.favorite(fan, showcase)
    reader_comment = factory.comment(reader, showcase, "Very helpful, thanks! The table saved me.")
    factory.comment(fan, showcase, "Mine still bites. Any advice?")
    fan_comment = factory.comment(fan, showcase, "Buy cheap fish online: example.com")
    with app.app_context():
        moderation.set_role(None, admin.username, "admin")
        staff = users.get_user(admin.id)
        report = moderation.report(
            users.get_user(reader.id), showcase, fan_comment, {"reason": "spam", "note": "An ad."}
        )
        moderation.hide_comment(staff, fan_comment, "Advertising")
        report_id = report.id
    with app.app_context():
        audit_id = db.session.scalars(select(AuditEntry.id).limit(1)).one()
        assert articles.get_article(showcase, None).slug == showcase
    return Site(
        writer=writer,
        reader=reader,
        admin=admin,
        showcase=showcase,
        draft=draft,
        reader_comment=reader_comment,
        report_id=report_id,
        audit_id=audit_id,
        reset_token=factory.password_reset_token(reader),
        unsubscribe_token=factory.unsubscribe_token(reader, "comments"),
        search_term="dragons",
    )


SCRIPT = re.compile(r"\.m?js(\?|$)")


@pytest.fixture(scope="session")
def pages(browser, live_server: str, site: Site) -> Iterator[Callable]:  # noqa: F811
    """``pages(user, width, javascript)`` gives a new page in a context kept for the run.

    Without JavaScript: Chromium's own switch (``java_script_enabled=False``) also stops the
    timers axe-core needs, so ``axe.run`` never settles. Instead the context keeps JavaScript
    and refuses every script the site asks for, so the page renders as it does with JavaScript
    off (the app has no <noscript>, the one thing that would differ; the test checks) while
    the test can still run axe-core in it.
    """
    contexts = {}
    sessions = {}

    def storage_for(user: str | None):
        if user is None:
            return None
        if user not in sessions:
            context = browser.new_context(base_url=live_server)
            account = getattr(site, user)
            page = context.new_page()
            page.goto("/login")
            token = page.locator("input[name=csrf_token]").first.get_attribute("value")
            response = context.request.post(
                "/login",
                form={"csrf_token": token, "email": account.email, "password": PASSWORD},
                max_redirects=0,
            )
            assert response.status == 302, f"{user} could not sign in ({response.status})"
            sessions[user] = context.storage_state()
            context.close()
        return sessions[user]

    def open_page(user: str | None, width: int, javascript: bool):
        key = (user, width, javascript)
        if key not in contexts:
            context = browser.new_context(
                base_url=live_server,
                viewport={"width": width, "height": 800 if width > 600 else 812},
                storage_state=storage_for(user),
            )
            context.set_default_timeout(15_000)
            if not javascript:
                context.route(SCRIPT, lambda route: route.abort())
            contexts[key] = context
        return contexts[key].new_page()

    yield open_page
    for context in contexts.values():
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make a11y` (it runs npm ci)")
    return AXE.read_text()
