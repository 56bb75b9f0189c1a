"""The editor's preview: rendered as a save would render it, nothing saved, on a new article or
one's own; the live preview's fragments."""

from sqlalchemy import func, select

from myapp.articles.models import Article
from myapp.extensions import db
from tests.pages.conftest import text

FORM = {
    "title": "Tables & code",
    "description": "A <preview>",
    "body": "Some **bold**\n\n```python\nimport this\n```\n\n|a|b|\n|-|-|\n|1|2|",
    "tags": "python, preview",
}
FRAGMENT = {"X-Requested-With": "fetch"}


def articles_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Article))
        db.session.remove()
        return count


def test_the_preview_shows_the_article_and_keeps_every_field(app, pages, factory):
    pages.login(factory.user())
    response = pages.post("/editor/preview", FORM)
    assert response.status_code == 200
    page = text(response)
    assert '<h3 class="preview-title">Tables &amp; code</h3>' in page
    assert '<p class="preview-description">A &lt;preview&gt;</p>' in page
    assert "<strong>bold</strong>" in page
    assert '<span class="kn">import</span>' in page
    assert '<div class="table-scroll"' in page
    # Every field as typed, and the form still saves to the editor.
    assert 'value="Tables &amp; code"' in page and 'value="python, preview"' in page
    assert "Some **bold**" in page
    assert '<form method="post" action="/editor" novalidate' in page
    assert 'formaction="/editor/preview"' in page
    assert articles_count(app) == 0  # nothing saved


def test_a_body_too_costly_to_render_is_shown_beside_the_field(app, pages, factory):
    pages.login(factory.user())
    response = pages.post("/editor/preview", {**FORM, "body": "[" * 6_000})
    assert response.status_code == 422
    page = text(response)
    assert 'id="error-body"' in page
    assert "Body has too many links or brackets" in page
    assert 'value="Tables &amp; code"' in page  # the rest kept
    assert articles_count(app) == 0


def test_the_save_rules_show_too_and_half_written_articles_preview(pages, factory):
    pages.login(factory.user())
    response = pages.post("/editor/preview", {**FORM, "title": "t" * 201})
    assert response.status_code == 422
    assert "Title is too long" in text(response)
    assert "<strong>bold</strong>" in text(response)  # the body still previews
    untitled = pages.post("/editor/preview", {"body": "just *this*"})
    assert untitled.status_code == 200
    assert "<em>this</em>" in text(untitled) and "Untitled" in text(untitled)


def test_an_existing_article_previews_and_keeps_its_save_url(pages, factory):
    author = factory.user()
    slug = factory.article(author, body="old")
    pages.login(author)
    response = pages.post(f"/editor/{slug}/preview", {**FORM, "body": "*new*"})
    assert response.status_code == 200
    page = text(response)
    assert "<em>new</em>" in page
    assert f'action="/editor/{slug}"' in page
    assert f'formaction="/editor/{slug}/preview"' in page
    assert "old" in text(pages.get(f"/api/articles/{slug}"))  # nothing saved


def test_someone_elses_article_is_not_previewed(pages, factory):
    author = factory.user()
    published = factory.article(author)
    draft = factory.article(author, status="draft")
    pages.login(factory.user())
    assert pages.post(f"/editor/{published}/preview", FORM).status_code == 403
    assert pages.post(f"/editor/{draft}/preview", FORM).status_code == 404
    assert pages.post("/editor/no-such-article/preview", FORM).status_code == 404


def test_signed_out_writers_are_sent_to_sign_in(pages):
    response = pages.post("/editor/preview", FORM)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_preview_needs_the_forms_csrf_token(client, pages, factory):
    pages.login(factory.user())
    assert client.post("/editor/preview", data=FORM).status_code == 400
    assert client.post("/editor/preview", data=FORM, headers=FRAGMENT).status_code == 400
    token = pages.csrf_token()
    headers = {**FRAGMENT, "X-CSRFToken": token}
    assert client.post("/editor/preview", data=FORM, headers=headers).status_code == 200


def test_the_live_preview_gets_only_the_bodys_html(pages, factory):
    pages.login(factory.user())
    response = pages.post("/editor/preview", FORM, headers=FRAGMENT)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = text(response)
    assert html.startswith("<p>Some <strong>bold</strong></p>")
    assert "<form" not in html and "preview-title" not in html
    refused = pages.post("/editor/preview", {"body": "*a" * 20_001}, headers=FRAGMENT)
    assert refused.status_code == 422
    assert refused.mimetype == "text/plain"
    assert text(refused) == (
        "Body has too much emphasis ('*', '_' or '~'): at most 20,000 are allowed"
    )


def test_the_editor_offers_a_preview(pages, factory):
    author = factory.user()
    pages.login(author)
    page = text(pages.get("/editor"))
    assert 'formaction="/editor/preview"' in page
    assert '<h2 id="preview-heading">Preview</h2>' in page
    assert 'aria-live="polite"' in page
    assert "/static/editor.js" in page
