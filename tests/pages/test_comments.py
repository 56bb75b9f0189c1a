"""Commenting on the article page."""

from tests.pages.conftest import text


def test_post_a_comment(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user("commenter"))
    response = pages.post(f"/article/{slug}/comments", {"body": "Well written."})
    assert response.status_code == 302
    assert response.location.startswith(f"/article/{slug}#comment-")
    body = text(pages.get(f"/article/{slug}"))
    assert "Well written." in body and "Your comment is posted." in body


def test_blank_comment_is_reshown_with_a_message(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user())
    response = pages.post(f"/article/{slug}/comments", {"body": "   "})
    assert response.status_code == 422
    assert "Comment can&#39;t be blank" in text(response)


def test_comment_requires_sign_in(pages, factory):
    slug = factory.article(factory.user())
    response = pages.post(f"/article/{slug}/comments", {"body": "Hi", "next": f"/article/{slug}"})
    assert response.location == f"/login?next=/article/{slug}"


def test_delete_only_your_own(pages, factory):
    author, other = factory.user(), factory.user()
    slug = factory.article(author)
    mine = factory.comment(author, slug, "Mine")
    theirs = factory.comment(other, slug, "Theirs")
    pages.login(author)
    body = text(pages.get(f"/article/{slug}"))
    assert f"/comments/{mine}/delete" in body
    assert f"/comments/{theirs}/delete" not in body
    assert pages.post(f"/article/{slug}/comments/{theirs}/delete").status_code == 403
    response = pages.post(f"/article/{slug}/comments/{mine}/delete")
    assert response.location == f"/article/{slug}#comments"
    body = text(pages.get(f"/article/{slug}"))
    assert "Mine" not in body and "Theirs" in body
