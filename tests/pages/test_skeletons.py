"""Signed-in pages from cached skeletons (myapp/pages/fragments.py, "whole pages"): each reader
gets, byte for byte, the page the templates render for them, whether the skeleton was just
rendered or comes from the cache, at whatever address with whatever query string."""

import re

import pytest
from flask import Flask, render_template

from myapp.articles import services as articles
from myapp.articles.services import CommentFlags
from myapp.pages import fragments
from tests.factories import Account, Factory
from tests.moderation.conftest import Staff
from tests.pages.conftest import CSRF, PageClient, text

COMMENT_FORM = re.compile(r'<form class="card comment-form".*?</form>', re.S)


def signed_in(app: Flask, account: Account) -> PageClient:
    pages = PageClient(app.test_client())
    pages.login(account)
    pages.get("/settings")  # shows, and so clears, the flash message signing in left
    return pages


def page(pages: PageClient, path: str) -> str:
    response = pages.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # Each request signs its own CSRF token (with the time): compare everything else.
    return CSRF.sub('name="csrf_token" value="token"', text(response))


def cards(page: str) -> str:
    """The comments' cards: after the comment form, to the end of their section."""
    return page.split('id="new-comment"', 1)[1].split("</form>", 1)[1].split("</section>", 1)[0]


def rendered_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on every page is rendered by its template, as before skeletons."""

    def whole(template, _shows, _pieces, context):
        return render_template(template, **context())

    monkeypatch.setattr(fragments, "_page", whole)


def no_template_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the page was rendered instead of taken from its skeleton")

    monkeypatch.setattr(fragments, "render_template", refuse)


@pytest.fixture
def site(app: Flask, factory: Factory) -> dict:
    staff = Staff(app, factory)
    author = factory.user("author", image="https://images.example/author.png")
    fan = factory.user("fan", image="https://images.example/fan.png")
    reader, troll = factory.user("reader"), factory.user("troll")
    slug = factory.article(author, title="The skeleton key", tag_list=["bones", "keys"])
    factory.article(author, title="Another one", tag_list=["bones"])
    factory.article(fan, title="The fan's own")
    factory.favorite(fan, slug)
    factory.follow(fan, author)
    factory.comment(author, slug, "Thanks for reading.")
    factory.comment(fan, slug, "Loved it.")
    staff.hide_comment(factory.comment(troll, slug, "Rude words."))
    readers = {
        "author": author,
        "fan": fan,
        "reader": reader,
        "troll": troll,  # still sees their own hidden comment
        "moderator": staff.moderator,
    }
    return {"slug": slug, "readers": {name: signed_in(app, a) for name, a in readers.items()}}


def paths(slug: str) -> list[str]:
    return [
        f"/article/{slug}",
        f"/article/{slug}?utm_source=news&page=2",
        "/",
        "/?tab=yours",
        "/?tag=bones",
        "/?tag=nothing-here",
        "/?page=1&utm_source=news",
    ]


def test_every_reader_gets_the_page_the_templates_render_for_them(site, monkeypatch):
    seen = {}
    for name, pages in site["readers"].items():
        for path in paths(site["slug"]):
            seen[name, path] = page(pages, path)  # the first reader's renders the skeleton
            assert "\x00" not in seen[name, path]  # every marker was filled in
            assert page(pages, path) == seen[name, path]  # and from the cache

    with monkeypatch.context() as whole:
        rendered_whole(whole)
        for (name, path), from_skeleton in seen.items():
            assert from_skeleton == page(site["readers"][name], path), (name, path)

    # They did come from the skeletons: no template renders them now.
    no_template_rendered(monkeypatch)
    for (name, path), from_skeleton in seen.items():
        assert page(site["readers"][name], path) == from_skeleton


def test_a_warm_article_page_reads_neither_the_article_nor_its_comments(site, monkeypatch):
    """Its pieces and skeleton are in the cache: the article, its "Read next" and comments are
    read only to render one that is not."""
    fan, path = site["readers"]["fan"], f"/article/{site['slug']}"
    warm = page(fan, path)

    def refuse(*args, **kwargs):
        raise AssertionError("read for a page whose pieces are all in the cache")

    for name in ("read_article", "get_article", "read_next"):
        monkeypatch.setattr(articles, name, refuse)
    monkeypatch.setattr(CommentFlags, "views", refuse)
    assert page(fan, path) == warm


def test_readers_who_wrote_none_of_the_comments_share_their_cards(app, factory, site, monkeypatch):
    """The comments' cards are cached by which of them the reader wrote: for a new reader who
    wrote none, as for the reader before, the comments are not read again."""
    path = f"/article/{site['slug']}"
    newcomer = signed_in(app, factory.user("newcomer"))  # a write: before the first page
    before = page(site["readers"]["reader"], path)

    def refuse(*args, **kwargs):
        raise AssertionError("the comments were read to render their cards again")

    monkeypatch.setattr(CommentFlags, "views", refuse)
    assert "Loved it." in cards(before)
    assert cards(page(newcomer, path)) == cards(before)


def test_each_reader_sees_their_own_links_picture_and_comments(site):
    slug = site["slug"]
    fan, reader = site["readers"]["fan"], site["readers"]["reader"]
    fans, readers = page(fan, f"/article/{slug}"), page(reader, f"/article/{slug}")
    assert fans.count('class="nav-user" href="/profile/fan"') == 2  # the row and the menu
    assert readers.count('class="nav-user" href="/profile/reader"') == 2
    assert "https://images.example/fan.png" in COMMENT_FORM.search(fans).group(0)
    assert "/static/avatar.svg" in COMMENT_FORM.search(readers).group(0)
    assert "Rude words." in page(site["readers"]["troll"], f"/article/{slug}")
    assert "Rude words." not in readers
    assert f'action="/article/{slug}/unfavorite' in fans
    assert f'action="/article/{slug}/unfavorite' not in readers


def test_a_flash_message_is_its_readers_alone(site):
    """A page showing a flash message is rendered by its template: a skeleton made from it
    would show the message to every reader after."""
    slug = site["slug"]
    reader, fan = site["readers"]["reader"], site["readers"]["fan"]
    response = reader.post(f"/article/{slug}/comments", data={"body": "First time here."})
    assert response.status_code == 302
    assert "Your comment is posted." in page(reader, f"/article/{slug}")
    for pages in (fan, reader):
        shown = page(pages, f"/article/{slug}")
        assert "Your comment is posted." not in shown and "First time here." in shown
