"""Editing and deleting your comments, through the services (no HTTP)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from myapp.articles import services as articles
from myapp.articles.models import Comment
from myapp.caching import cached, content_version
from myapp.errors import Forbidden, NotFound
from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.users import services as users
from myapp.users.models import User
from tests.factories import Account


def me(account: Account) -> User:
    return users.get_user(account.id)


def written_a_minute_ago(comment_id: int) -> None:
    """Move a comment's creation back, so an edit is visibly later."""
    comment = db.session.get(Comment, comment_id)
    earlier = comment.created_at - timedelta(minutes=1)
    db.session.execute(update(Comment).where(Comment.id == comment_id).values(created_at=earlier))
    db.session.commit()


def test_a_new_comment_was_updated_when_it_was_created(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann)
    comment = articles.add_comment(me(ann), slug, "First thoughts")

    assert comment.updated_at == comment.created_at


def test_edit_own_comment_replaces_the_body_and_dates_the_edit(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug, "Frist!")
    written_a_minute_ago(comment_id)

    edited = articles.edit_comment(me(bob), slug, comment_id, "First!")

    assert (edited.id, edited.body) == (comment_id, "First!")
    assert edited.updated_at - edited.created_at >= timedelta(minutes=1)
    (listed,) = articles.list_comments(slug, None)
    assert (listed.body, listed.updated_at) == ("First!", edited.updated_at)


def test_edit_someone_elses_comment_is_forbidden(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug, "Mine")

    with pytest.raises(Forbidden):
        articles.edit_comment(me(ann), slug, comment_id, "Not yours")

    assert [c.body for c in articles.list_comments(slug, None)] == ["Mine"]


@pytest.mark.parametrize("where", ["unknown comment", "another article", "unknown article"])
def test_edit_a_comment_not_there_is_not_found(ctx, factory, where):
    ann = factory.user()
    slug, other = factory.article(ann), factory.article(ann)
    comment_id = factory.comment(ann, slug)
    target = {
        "unknown comment": (slug, 999_999),
        "another article": (other, comment_id),
        "unknown article": ("no-such-article", comment_id),
    }[where]

    with pytest.raises(NotFound):
        articles.edit_comment(me(ann), *target, "Changed")


def test_an_author_may_edit_their_hidden_comment_and_it_stays_hidden(ctx, factory):
    ann, bob, mod = factory.user(), factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug, "Rude words")
    moderation.set_role(None, mod.username, "moderator")
    moderation.hide_comment(me(mod), comment_id, "Rude")

    edited = articles.edit_comment(me(bob), slug, comment_id, "Kind words")

    assert edited.body == "Kind words" and edited.hidden_at is not None
    assert articles.list_comments(slug, None) == []  # still hidden from readers
    # Someone else may not even learn it is there.
    with pytest.raises(NotFound):
        articles.edit_comment(me(ann), slug, comment_id, "Hmm")


def test_hiding_a_comment_is_not_an_edit(ctx, factory):
    ann, bob, mod = factory.user(), factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug)
    written_a_minute_ago(comment_id)
    moderation.set_role(None, mod.username, "moderator")
    moderation.hide_comment(me(mod), comment_id, "Rude")

    (comment,) = articles.list_comments(slug, me(bob))

    assert comment.updated_at == comment.created_at


def test_an_edit_replaces_the_content_version_so_no_cached_list_is_stale(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(ann, slug, "Before")

    def bodies() -> list[str]:
        return cached(
            "test-comments", lambda: [c.body for c in articles.list_comments(slug, None)], slug
        )

    before = content_version()
    assert bodies() == ["Before"]
    assert bodies() == ["Before"]  # from the cache now

    articles.edit_comment(me(ann), slug, comment_id, "After")

    assert content_version() != before
    assert bodies() == ["After"]


def test_get_own_comment(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug, "Hello")

    assert articles.get_own_comment(me(bob), slug, comment_id).body == "Hello"
    with pytest.raises(Forbidden):
        articles.get_own_comment(me(ann), slug, comment_id)
    with pytest.raises(NotFound):
        articles.get_own_comment(me(bob), slug, 999_999)


def test_delete_someone_elses_hidden_comment_is_not_found(ctx, factory):
    ann, bob, mod = factory.user(), factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug)
    moderation.set_role(None, mod.username, "moderator")
    moderation.hide_comment(me(mod), comment_id, "Rude")

    with pytest.raises(NotFound):  # hidden from ann: she can't learn it exists
        articles.delete_comment(me(ann), slug, comment_id)
    articles.delete_comment(me(bob), slug, comment_id)  # its author still can

    assert articles.list_comments(slug, me(bob)) == []
