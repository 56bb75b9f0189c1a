"""axe-core finds no violation on any page state, at 1280 and 375 pixels, with and without
JavaScript (issue 14). ``make a11y`` runs it; see docs/accessibility.md.

Each (state, width, JavaScript) is a test of its own, such as
``test_axe[article-report-open-375px-nojs]``. A state is a page as one person sees it: its
address, who is signed in, and what they did there (a refused form post, a disclosure
opened). Every violation found is also written to reports/axe-violations.json.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import pytest
from flask import Flask
from playwright.sync_api import Page, Response, Route

from tests.a11y.conftest import Site

pytestmark = pytest.mark.browser

# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
WIDTHS = (1280, 375)
REPORT = Path(__file__).resolve().parents[2] / "reports" / "axe-violations.json"

Text = str | Callable[[Site], str]


@dataclass(frozen=True)
class State:
    name: str
    user: str | None  # "writer", "reader", "admin" (attributes of Site), or None: anonymous
    path: Text
    status: int = 200
    # The page is the answer to posting these fields with the form on ``path`` that has the
    # first of them (or that ``form`` selects): a post the app refuses or only asks about (a
    # delete's first step, a preview), so nothing is written.
    post: Callable[[Site], dict[str, str]] | None = None
    form: str | None = None
    action: str | None = None  # where the post goes, when not the form's action (a formaction)
    then: Callable[[Page], None] | None = None  # what the person does before the check
    endpoint: str | None = None  # the view this state shows, checked to exist


def resolve(text: Text, site: Site) -> str:
    return text(site) if callable(text) else text


def open_report(page: Page) -> None:
    page.locator("details:has(form[action$='/report']) > summary").first.click()


STATES = [
    # Reading, signed out
    State("home-anonymous", None, "/"),
    State("home-page-2-anonymous", None, "/?page=2"),
    State("article-anonymous", None, lambda s: f"/article/{s.showcase}"),
    State("profile-anonymous", None, lambda s: f"/profile/{s.writer.username}"),
    State("search-results", None, lambda s: f"/search?q={s.search_term}"),
    State("search-no-results", None, "/search?q=unicorns"),
    State("search-form", None, "/search"),
    State("not-found-404", None, "/article/no-such-article", status=404),
    # Signing in and up
    State("sign-in", None, "/login"),
    State(
        "sign-in-error",
        None,
        "/login",
        status=422,
        post=lambda s: {"email": s.reader.email, "password": "not-the-password"},
    ),
    State("sign-up", None, "/register"),
    State(
        "sign-up-errors",
        None,
        "/register",
        status=422,
        post=lambda s: {"username": "bad name", "email": "not-an-email", "password": "short"},
    ),
    State("forgot-password", None, "/forgot-password"),
    State("reset-password", None, lambda s: f"/reset-password/{s.reset_token}"),
    State("unsubscribe", None, lambda s: f"/unsubscribe/{s.unsubscribe_token}"),
    # A reader, signed in
    State("home-global-signed-in", "reader", "/"),
    State("home-your-feed", "reader", "/?tab=yours"),
    State("home-tag", "reader", "/?tag=training"),
    State("home-page-2-signed-in", "reader", "/?page=2"),
    State("article-someone-elses", "reader", lambda s: f"/article/{s.showcase}"),
    State(
        "article-report-open",
        "reader",
        lambda s: f"/article/{s.showcase}",
        then=open_report,
    ),
    State(
        "article-comment-error",
        "reader",
        lambda s: f"/article/{s.showcase}",
        status=422,
        post=lambda s: {"body": ""},
    ),
    State(
        "comment-edit",
        "reader",
        lambda s: f"/article/{s.showcase}/comments/{s.reader_comment}/edit",
        endpoint="pages.edit_comment",
    ),
    State(
        "comment-edit-error",
        "reader",
        lambda s: f"/article/{s.showcase}/comments/{s.reader_comment}/edit",
        status=422,
        post=lambda s: {"body": ""},
    ),
    State(
        "confirm-delete-comment",
        "reader",
        lambda s: f"/article/{s.showcase}",
        form=".comment form[action$='/delete']",
        post=lambda s: {},
    ),
    State("profile-other", "reader", lambda s: f"/profile/{s.writer.username}"),
    State("profile-favorites", "reader", lambda s: f"/profile/{s.reader.username}/favorites"),
    State("settings", "reader", "/settings"),
    State(
        "settings-errors",
        "reader",
        "/settings",
        status=422,
        post=lambda s: {
            "image": "not a link",
            "username": "bad name",
            "bio": "",
            "email": "not-an-email",
            "password": "",
            "currentPassword": "",
        },
    ),
    State(
        "settings-delete-account-error",
        "reader",
        "/settings",
        form="form[action*='/settings/delete']",
        status=422,
        post=lambda s: {"password": "not-the-password"},
        endpoint="pages.delete_account",
    ),
    State("forbidden-403", "reader", lambda s: f"/editor/{s.showcase}", status=403),
    State("sign-out", "reader", "/logout", endpoint="auth.logout_page"),
    # The writer, on their own things
    State("article-own", "writer", lambda s: f"/article/{s.showcase}"),
    State("article-draft", "writer", lambda s: f"/article/{s.draft}"),
    State("profile-own", "writer", lambda s: f"/profile/{s.writer.username}"),
    State("profile-drafts", "writer", lambda s: f"/profile/{s.writer.username}/drafts"),
    State("editor-new", "writer", "/editor"),
    State(
        "editor-preview",
        "writer",
        "/editor",
        form="form.editor-form",
        action="/editor/preview",
        post=lambda s: {
            "title": "Preview",
            "description": "Seen before it is saved",
            "body": "Some **bold**.\n\n```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |",
            "tags": "",
        },
        endpoint="pages.preview_new_article",
    ),
    State(
        "confirm-delete-article",
        "writer",
        lambda s: f"/article/{s.showcase}",
        form=".banner form[action$='/delete']",
        post=lambda s: {},
    ),
    State("editor-edit", "writer", lambda s: f"/editor/{s.showcase}"),
    State(
        "editor-errors",
        "writer",
        "/editor",
        status=422,
        post=lambda s: {
            "title": "",
            "description": "",
            "body": "",
            "tags": "",
            "action": "publish",
        },
    ),
    # The staff
    State("article-hidden-comment-staff", "admin", lambda s: f"/article/{s.showcase}"),
    State("admin-dashboard", "admin", "/admin/"),
    State("admin-reports", "admin", "/admin/reports"),
    State("admin-report", "admin", lambda s: f"/admin/reports/{s.report_id}"),
    State("admin-users", "admin", "/admin/users"),
    State("admin-user", "admin", lambda s: f"/admin/users/{s.reader.username}"),
    State("admin-articles", "admin", "/admin/articles"),
    State("admin-article", "admin", lambda s: f"/admin/articles/{s.showcase}"),
    State("admin-comments", "admin", "/admin/comments"),
    State("admin-comment", "admin", lambda s: f"/admin/comments/{s.reader_comment}"),
    State("admin-tags", "admin", "/admin/tags"),
    State("admin-tag", "admin", "/admin/tags/dragons"),
    State("admin-audit", "admin", "/admin/audit"),
    State("admin-audit-entry", "admin", lambda s: f"/admin/audit/{s.audit_id}"),
]

CASES = [
    pytest.param(state, width, javascript, id=f"{state.name}-{width}px-{js}")
    for state in STATES
    for width in WIDTHS
    for javascript, js in ((True, "js"), (False, "nojs"))
]

RUN_AXE = """async (options) => {
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html })),
  }));
}"""


@pytest.fixture(scope="session")
def found() -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Every test's violations, written to reports/axe-violations.json when the run ends."""
    violations: dict[str, list[dict[str, Any]]] = {}
    yield violations
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(violations, indent=1, ensure_ascii=False))


def visit(page: Page, state: State, site: Site) -> Response | None:
    path = resolve(state.path, site)
    if state.post is None:
        return page.goto(path)
    # A form post the app refuses: the page shown is its answer, at the address the form posts
    # to, exactly as after pressing the form's button (with or without JavaScript).
    page.goto(path)
    fields = state.post(site)
    if state.form:
        form = page.locator(state.form).first
    else:
        form = page.locator("form").filter(has=page.locator(f'[name="{next(iter(fields))}"]')).first
    target = urljoin(page.url, state.action or form.get_attribute("action") or "")
    token = form.locator("input[name=csrf_token]").get_attribute("value") or ""
    body = urlencode({"csrf_token": token, **fields})

    def answer_post(route: Route) -> None:
        headers = {**route.request.headers, "content-type": "application/x-www-form-urlencoded"}
        reply = route.fetch(method="POST", headers=headers, post_data=body, max_redirects=0)
        route.fulfill(response=reply)

    page.route(lambda address: address.split("#")[0] == target.split("#")[0], answer_post)
    page.goto("about:blank")  # a form posting to its own page would be a fragment change only
    try:
        return page.goto(target)
    finally:
        page.unroute_all()


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(nodes)} elements): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in nodes[:3]:
            lines.append(f"    {node['target']}\n        {node['html'][:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize(("state", "width", "javascript"), CASES)
def test_axe(
    state: State,
    width: int,
    javascript: bool,
    app: Flask,
    site: Site,
    pages,
    axe_source: str,
    found,
    request: pytest.FixtureRequest,
) -> None:
    assert state.endpoint is None or state.endpoint in app.view_functions, state.endpoint
    page = pages(state.user, width, javascript)
    try:
        response = visit(page, state, site)
        assert response is not None
        assert response.status == state.status, f"{page.url} answered {response.status}"
        if state.then:
            state.then(page)
        if not javascript:
            # The scripts are refused, not switched off (see the ``pages`` fixture), so a
            # <noscript> would stay hidden here while a reader without JavaScript sees it.
            assert page.locator("noscript").count() == 0, "a <noscript>: check it by hand"
        page.evaluate(axe_source)
        assert page.evaluate("() => typeof window.axe?.run") == "function", "axe not injected"
        violations = page.evaluate(
            RUN_AXE, {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
        )
    finally:
        page.close()
    found[request.node.callspec.id] = violations
    if violations:
        pytest.fail(f"axe-core on {state.name}:\n{describe(violations)}", pytrace=False)
