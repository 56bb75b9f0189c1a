"""Commenting on the article page; editing and deleting your comments."""

import re
from datetime import timedelta

from myapp.articles.models import Comment
from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.users import services as users
from tests.pages.conftest import text


def comment_card(body: str, comment_id: int) -> str:
    """The HTML of one comment's card on the article page."""
    match = re.search(
        rf'<div class="card comment[^"]*" id="comment-{comment_id}">.*?</div>\s*</div>', body, re.S
    )
    assert match, f"no comment {comment_id} on the page"
    return match.group(0)


def written_earlier(app, comment_id: int) -> None:
    """Move a comment's creation back, so an edit is visibly later."""
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comment.created_at -= timedelta(minutes=5)
        db.session.commit()


# --- posting ---------------------------------------------------------------------------------


def test_the_comment_form_posts_to_the_article_itself(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user())
    body = text(pages.get(f"/article/{slug}"))
    assert f'id="new-comment" method="post" action="/article/{slug}#new-comment"' in body


def test_post_a_comment(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user("commenter"))
    response = pages.post(f"/article/{slug}", {"body": "Well written."})
    assert response.status_code == 302
    assert response.location.startswith(f"/article/{slug}#comment-")
    body = text(pages.get(f"/article/{slug}"))
    assert "Well written." in body and "Your comment is posted." in body


def test_the_old_address_still_posts_a_comment(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user())
    response = pages.post(f"/article/{slug}/comments", {"body": "From an old page."})
    assert response.status_code == 302
    assert response.location.startswith(f"/article/{slug}#comment-")
    assert "From an old page." in text(pages.get(f"/article/{slug}"))


def test_blank_comment_is_reshown_at_the_article_beside_the_field(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user())
    response = pages.post(f"/article/{slug}", {"body": "   "})
    assert response.status_code == 422
    body = text(response)
    assert "Comment can&#39;t be blank" in body
    textarea = re.search(r"<textarea id=\"field-body\"[^>]*>", body).group(0)
    assert 'aria-invalid="true"' in textarea and 'aria-describedby="error-body"' in textarea
    assert '<ul class="error-messages" id="error-body">' in body
    # The error sits inside the form the browser scrolls to (#new-comment).
    form = body[body.index('id="new-comment"') :]
    assert form.index('id="error-body"') < form.index("</form>")


def test_too_long_comment_keeps_what_was_typed(pages, factory):
    slug = factory.article(factory.user())
    pages.login(factory.user())
    response = pages.post(f"/article/{slug}", {"body": "x" * 10_001})
    assert response.status_code == 422
    assert "x" * 10_001 in text(response)


def test_comment_requires_sign_in(pages, factory):
    slug = factory.article(factory.user())
    response = pages.post(f"/article/{slug}", {"body": "Hi", "next": f"/article/{slug}"})
    assert response.location == f"/login?next=/article/{slug}"


def test_commenting_on_an_unknown_article_is_404(pages, factory):
    pages.login(factory.user())
    assert pages.post("/article/no-such-article", {"body": "Hi"}).status_code == 404


# --- editing ---------------------------------------------------------------------------------


def test_edit_links_only_on_your_own_comments(pages, factory):
    author, other = factory.user(), factory.user()
    slug = factory.article(author)
    mine = factory.comment(author, slug, "Mine")
    theirs = factory.comment(other, slug, "Theirs")
    pages.login(author)
    body = text(pages.get(f"/article/{slug}"))
    card = comment_card(body, mine)
    assert f'href="/article/{slug}/comments/{mine}/edit"' in card
    assert 'aria-label="Edit your comment"' in card and "#edit" in card and "Edit</a>" in card
    assert 'aria-label="Delete your comment"' in card and "#trash" in card
    assert f"/comments/{theirs}/edit" not in body


def test_edit_a_comment(app, pages, factory):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug, "Frist!")
    written_earlier(app, comment)
    pages.login(author)

    form = pages.get(f"/article/{slug}/comments/{comment}/edit")
    assert form.status_code == 200
    page = text(form)
    assert "Edit your comment" in page and ">Frist!</textarea>" in page
    assert f'href="/article/{slug}#comment-{comment}"' in page  # Cancel

    response = pages.post(f"/article/{slug}/comments/{comment}/edit", {"body": "First!"})
    assert response.status_code == 302
    assert response.location == f"/article/{slug}#comment-{comment}"
    body = text(pages.get(f"/article/{slug}"))
    assert "Your comment is saved." in body
    card = comment_card(body, comment)
    assert "First!" in card and "Frist!" not in card
    assert re.search(r'<span class="edited">edited <time datetime="[^"]+">', card)


def test_a_comment_never_edited_has_no_edited_mark(pages, factory):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug)
    body = text(pages.get(f"/article/{slug}"))
    assert "edited" not in comment_card(body, comment)


def test_edit_with_a_blank_body_shows_the_error_beside_the_field(pages, factory):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug, "Kept")
    pages.login(author)
    response = pages.post(f"/article/{slug}/comments/{comment}/edit", {"body": "  "})
    assert response.status_code == 422
    body = text(response)
    assert "Comment can&#39;t be blank" in body and 'aria-invalid="true"' in body
    assert "Kept" in text(pages.get(f"/article/{slug}"))


def test_someone_elses_comment_cannot_be_edited(pages, factory):
    author, other = factory.user(), factory.user()
    slug = factory.article(author)
    theirs = factory.comment(other, slug, "Theirs")
    pages.login(author)
    assert pages.get(f"/article/{slug}/comments/{theirs}/edit").status_code == 403
    response = pages.post(f"/article/{slug}/comments/{theirs}/edit", {"body": "Mine now"})
    assert response.status_code == 403
    assert "Theirs" in text(pages.get(f"/article/{slug}"))


def test_editing_an_unknown_comment_is_404(pages, factory):
    author = factory.user()
    slug = factory.article(author)
    pages.login(author)
    assert pages.get(f"/article/{slug}/comments/999999/edit").status_code == 404
    assert pages.get("/article/no-such/comments/1/edit").status_code == 404


def test_editing_requires_sign_in(pages, factory):
    author = factory.user()
    slug = factory.article(author)
    comment = factory.comment(author, slug)
    response = pages.get(f"/article/{slug}/comments/{comment}/edit")
    assert response.status_code == 302 and "/login" in response.location


def test_a_hidden_comment_can_be_edited_by_its_author_and_stays_hidden(app, pages, factory):
    author, commenter, mod = factory.user(), factory.user(), factory.user()
    slug = factory.article(author)
    comment = factory.comment(commenter, slug, "Rude")
    with app.app_context():
        moderation.set_role(None, mod.username, "moderator")
        moderation.hide_comment(users.get_user(mod.id), comment, "Rude")
    pages.login(commenter)
    form = text(pages.get(f"/article/{slug}/comments/{comment}/edit"))
    assert "hidden by a moderator" in form
    pages.post(f"/article/{slug}/comments/{comment}/edit", {"body": "Sorry"})
    card = comment_card(text(pages.get(f"/article/{slug}")), comment)
    assert "comment-hidden" in card and "Sorry" in card


# --- deleting, in two steps ------------------------------------------------------------------


def test_delete_asks_first_without_javascript(pages, factory):
    author = factory.user()
    slug = factory.article(author)
    mine = factory.comment(author, slug, "A long comment " + "word " * 100)
    pages.login(author)

    body = text(pages.get(f"/article/{slug}"))
    card = comment_card(body, mine)
    assert 'data-confirm="Delete your comment?"' in card
    assert 'name="confirm"' not in card  # app.js adds it when the reader says yes

    asked = pages.post(f"/article/{slug}/comments/{mine}/delete")
    assert asked.status_code == 200
    page = text(asked)
    assert "Delete your comment?" in page
    assert "<blockquote" in page and "A long comment word" in page and "…" in page
    assert "word " * 100 not in page  # only its start
    assert f'action="/article/{slug}/comments/{mine}/delete"' in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert f'href="/article/{slug}#comment-{mine}">Cancel</a>' in page
    assert "A long comment" in text(pages.get(f"/article/{slug}"))  # not deleted yet

    response = pages.post(f"/article/{slug}/comments/{mine}/delete", {"confirm": "yes"})
    assert response.location == f"/article/{slug}#comments"
    body = text(pages.get(f"/article/{slug}"))
    assert "Your comment is deleted." in body and "A long comment" not in body


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
    confirmed = {"confirm": "yes"}
    assert pages.post(f"/article/{slug}/comments/{theirs}/delete", confirmed).status_code == 403
    response = pages.post(f"/article/{slug}/comments/{mine}/delete", confirmed)
    assert response.location == f"/article/{slug}#comments"
    body = text(pages.get(f"/article/{slug}"))
    assert "Mine" not in body and "Theirs" in body


def test_deleting_an_unknown_comment_is_404(pages, factory):
    author = factory.user()
    slug = factory.article(author)
    pages.login(author)
    assert pages.post(f"/article/{slug}/comments/999999/delete").status_code == 404
