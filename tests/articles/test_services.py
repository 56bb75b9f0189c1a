"""Article, tag, favorite and comment use cases, called directly (no HTTP)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from myapp.articles import services as articles
from myapp.articles.models import Article, ArticleSlug, Comment, Tag, article_tags, favorites
from myapp.errors import Forbidden, NotFound
from myapp.extensions import db
from myapp.users import services as users
from myapp.users.models import User
from tests.factories import Account


def me(account: Account) -> User:
    return users.get_user(account.id)


def draft(title: str = "Hello", **fields: Any) -> dict[str, Any]:
    return {
        "title": title,
        "description": "About it",
        "body": "Some text.",
        "tag_list": [],
    } | fields


def slugs(page: articles.ArticlePage) -> list[str]:
    return [article.slug for article in page.articles]


def rows(table, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    return db.session.scalar(query)


# --- create_article --------------------------------------------------------------------------


def test_create_article_slug_comes_from_title(ctx, factory):
    ann = me(factory.user())

    article = articles.create_article(ann, draft("Hello, World: Part 2!"))

    assert article.slug == "hello-world-part-2"
    assert article.title == "Hello, World: Part 2!"
    assert article.author.id == ann.id


def test_create_article_same_title_gets_suffixed_slug(ctx, factory):
    ann = me(factory.user())

    first = articles.create_article(ann, draft("Same title")).slug
    second = articles.create_article(ann, draft("Same title")).slug

    assert first == "same-title"
    assert second.startswith("same-title-")
    assert len(second) > len("same-title-")


def test_create_article_punctuation_only_title_slug(ctx, factory):
    article = articles.create_article(me(factory.user()), draft("?!… ---"))

    assert article.slug == "article"


def test_create_article_tags_sorted_and_shared(ctx, factory):
    ann = me(factory.user())

    first = articles.create_article(ann, draft("One", tag_list=["python", "flask", "css"]))
    assert first.tag_list == ["css", "flask", "python"]
    second = articles.create_article(ann, draft("Two", tag_list=["python"]))
    assert second.tag_list == ["python"]

    assert db.session.scalars(select(Tag.name).order_by(Tag.name)).all() == [
        "css",
        "flask",
        "python",
    ]


def test_create_article_starts_unfavorited(ctx, factory):
    article = articles.create_article(me(factory.user()), draft())

    assert (article.favorited, article.favorites_count) == (False, 0)


# --- list_articles ---------------------------------------------------------------------------


def test_list_articles_newest_first(ctx, factory):
    ann = factory.user()
    first, second, third = (factory.article(ann) for _ in range(3))

    page = articles.list_articles(None)

    assert slugs(page) == [third, second, first]
    assert page.total == 3


def test_list_articles_filters_combine(ctx, factory):
    ann, bob, fan = factory.user(), factory.user(), factory.user()
    ann_py = factory.article(ann, tag_list=["python"])
    ann_py_unliked = factory.article(ann, tag_list=["python"])
    ann_css = factory.article(ann, tag_list=["css"])
    bob_py = factory.article(bob, tag_list=["python"])
    for slug in (ann_py, ann_css, bob_py):
        factory.favorite(fan, slug)

    assert set(slugs(articles.list_articles(None, tag="python"))) == {
        ann_py,
        ann_py_unliked,
        bob_py,
    }
    assert set(slugs(articles.list_articles(None, tag="python", author=ann.username))) == {
        ann_py,
        ann_py_unliked,
    }
    page = articles.list_articles(None, tag="python", author=ann.username, favorited=fan.username)
    assert (slugs(page), page.total) == ([ann_py], 1)


@pytest.mark.parametrize(
    "filters", [{"tag": "nothing"}, {"author": "nobody"}, {"favorited": "nobody"}]
)
def test_list_articles_unknown_filter_value_matches_nothing(ctx, factory, filters):
    ann = factory.user()
    factory.article(ann, tag_list=["python"])

    page = articles.list_articles(None, **filters)

    assert (page.articles, page.total) == ([], 0)


def test_list_articles_total_counts_all_matches(ctx, factory):
    ann = factory.user()
    made = [factory.article(ann) for _ in range(5)]

    page = articles.list_articles(None, limit=2, offset=1)

    assert slugs(page) == [made[3], made[2]]
    assert page.total == 5


def test_list_articles_offset_past_the_end(ctx, factory):
    ann = factory.user()
    for _ in range(3):
        factory.article(ann)

    page = articles.list_articles(None, offset=3)

    assert (page.articles, page.total) == ([], 3)


def test_list_articles_flags_for_viewer(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(bob)
    factory.favorite(ann, slug)
    factory.follow(ann, bob)

    [article] = articles.list_articles(me(ann)).articles

    assert (article.favorited, article.favorites_count) == (True, 1)
    assert article.author.following is True


# --- feed ------------------------------------------------------------------------------------


def test_feed_shows_only_followed_authors(ctx, factory):
    reader, followed, other = factory.user(), factory.user(), factory.user()
    factory.follow(reader, followed)
    older = factory.article(followed)
    factory.article(other)
    factory.article(reader)
    newer = factory.article(followed)

    page = articles.feed(me(reader))

    assert (slugs(page), page.total) == ([newer, older], 2)


def test_feed_is_empty_when_following_nobody(ctx, factory):
    factory.article(factory.user())

    page = articles.feed(me(factory.user()))

    assert (page.articles, page.total) == ([], 0)


def test_a_flag_page_reads_its_articles_as_the_reader_sees_them(ctx, factory):
    reader, author = factory.user(), factory.user()
    factory.follow(reader, author)
    liked, other = factory.article(author), factory.article(author)
    factory.favorite(reader, liked)
    full = articles.list_articles(me(reader))

    page = articles.list_article_flags(me(reader))

    assert [row.id for row in page.rows] == [article.id for article in full.articles]
    assert page.total == full.total
    # The articles behind the flags, read in one statement, are the full page's, reader's flags
    # included.
    assert page.views() == full.views()
    assert {page.views()[row.id].slug for row in page.rows if row.favorited} == {liked}
    assert {view.slug for view in page.views().values()} == {liked, other}


def test_a_flag_pages_article_deleted_since_is_left_out(ctx, factory):
    author = factory.user()
    gone, kept = factory.article(author), factory.article(author)
    page = articles.list_article_flags(me(factory.user()))

    articles.delete_article(me(author), gone)

    assert [view.slug for view in page.views().values()] == [kept]


def test_comment_flags_read_the_comments_as_the_reader_sees_them(ctx, factory):
    reader, author = factory.user(), factory.user()
    factory.follow(reader, author)
    slug = factory.article(author)
    factory.comment(author, slug, "Theirs")
    factory.comment(reader, slug, "Mine")
    full = articles.list_comments(slug, me(reader))

    flags = articles.list_comment_flags(slug, me(reader))

    assert [row.id for row in flags.rows] == [comment.id for comment in full]
    assert [row.author_id for row in flags.rows] == [comment.author_id for comment in full]
    assert flags.views() == {comment.id: comment for comment in full}


def test_readers_who_follow_the_same_commenters_share_the_comments_json(ctx, factory):
    """The API's comments JSON is cached under ``shown()``: the same for readers who follow
    the same of the article's commenters, whomever else they follow; not for the others."""
    one, two, three = factory.user(), factory.user(), factory.user()
    commenter, elsewhere = factory.user(), factory.user()
    slug = factory.article(elsewhere)
    factory.comment(commenter, slug, "Here")
    factory.follow(one, commenter)
    factory.follow(two, commenter)
    factory.follow(two, elsewhere)  # wrote the article, not a comment
    shown = {
        n: articles.list_comment_flags(slug, me(a)).shown() for n, a in enumerate([one, two, three])
    }

    assert shown[0] == shown[1] != shown[2]
    flags = articles.list_comment_flags(slug, me(one))
    flags.shown()
    assert "rows" not in vars(flags)  # worked out without making a row for each comment
    assert [row.following for row in articles.list_comment_flags(slug, me(three)).rows] == [False]
    assert [row.following for row in articles.list_comment_flags(slug, me(two)).rows] == [True]


# --- get_article -----------------------------------------------------------------------------


def test_get_article_by_slug(ctx, factory):
    slug = factory.article(factory.user(), title="Found me")

    assert articles.get_article(slug, None).title == "Found me"


def test_get_article_unknown_slug_is_not_found(ctx):
    with pytest.raises(NotFound):
        articles.get_article("no-such-article", None)


# --- update_article --------------------------------------------------------------------------


def test_update_article_by_non_author_is_forbidden(ctx, factory):
    slug = factory.article(factory.user(), title="Mine")
    intruder = me(factory.user())

    with pytest.raises(Forbidden):
        articles.update_article(intruder, slug, {"title": "Theirs"})

    assert articles.get_article(slug, None).title == "Mine"


def test_update_article_unknown_slug_is_not_found(ctx, factory):
    with pytest.raises(NotFound):
        articles.update_article(me(factory.user()), "no-such-article", {"body": "x"})


def test_update_article_new_title_regenerates_slug(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, title="Old title")

    article = articles.update_article(me(ann), slug, {"title": "New title"})

    assert article.slug == "new-title"
    assert articles.get_article("new-title", None).title == "New title"
    with pytest.raises(NotFound):
        articles.get_article(slug, None)


def test_update_article_same_title_keeps_slug(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, title="Kept")

    assert articles.update_article(me(ann), slug, {"title": "Kept", "body": "x"}).slug == slug


def test_update_article_tag_list_replaces_tags(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, tag_list=["css", "python"])

    article = articles.update_article(me(ann), slug, {"tag_list": ["flask", "python"]})

    assert article.tag_list == ["flask", "python"]
    assert articles.get_article(slug, None).tag_list == ["flask", "python"]


def test_update_article_advances_updated_at(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann)
    before = articles.get_article(slug, None).updated_at

    articles.update_article(me(ann), slug, {"tag_list": ["python"]})

    assert articles.get_article(slug, None).updated_at > before


def test_update_article_changes_only_given_fields(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, title="T", description="D", body="B")

    article = articles.update_article(me(ann), slug, {"body": "New body"})

    assert (article.title, article.description, article.body) == ("T", "D", "New body")


# --- delete_article --------------------------------------------------------------------------


def test_delete_article_by_non_author_is_forbidden(ctx, factory):
    slug = factory.article(factory.user())

    with pytest.raises(Forbidden):
        articles.delete_article(me(factory.user()), slug)

    assert articles.get_article(slug, None).slug == slug


def test_delete_article_removes_comments_favorites_and_tag_links(ctx, factory):
    ann, fan = factory.user(), factory.user()
    slug = factory.article(ann, tag_list=["python", "css"])
    kept = factory.article(ann, tag_list=["python"])
    factory.comment(fan, slug)
    factory.favorite(fan, slug)
    factory.comment(fan, kept)
    factory.favorite(fan, kept)
    article_id = articles.get_article(slug, None).id

    articles.delete_article(me(ann), slug)

    with pytest.raises(NotFound):
        articles.get_article(slug, None)
    assert db.session.get(Article, article_id) is None
    assert rows(Comment.__table__, article_id=article_id) == 0
    assert rows(favorites, article_id=article_id) == 0
    assert rows(article_tags, article_id=article_id) == 0
    assert rows(Comment.__table__) == rows(favorites) == rows(article_tags) == 1


def test_delete_article_unknown_slug_is_not_found(ctx, factory):
    with pytest.raises(NotFound):
        articles.delete_article(me(factory.user()), "no-such-article")


# --- favorites -------------------------------------------------------------------------------


def test_favorite_is_idempotent(ctx, factory):
    slug = factory.article(factory.user())
    fan = me(factory.user())

    articles.favorite(fan, slug)
    article = articles.favorite(fan, slug)

    assert (article.favorited, article.favorites_count) == (True, 1)


def test_unfavorite_is_idempotent(ctx, factory):
    slug = factory.article(factory.user())
    fan = factory.user()
    factory.favorite(fan, slug)

    articles.unfavorite(me(fan), slug)
    article = articles.unfavorite(me(fan), slug)

    assert (article.favorited, article.favorites_count) == (False, 0)


def test_favorites_count_and_favorited_per_viewer(ctx, factory):
    slug = factory.article(factory.user())
    ann, bob, cid = factory.user(), factory.user(), factory.user()
    factory.favorite(ann, slug)
    factory.favorite(bob, slug)

    for viewer, favorited in ((ann, True), (bob, True), (cid, False)):
        article = articles.get_article(slug, me(viewer))
        assert (article.favorited, article.favorites_count) == (favorited, 2)
    anonymous = articles.get_article(slug, None)
    assert (anonymous.favorited, anonymous.favorites_count) == (False, 2)


@pytest.mark.parametrize("action", [articles.favorite, articles.unfavorite])
def test_favorite_unknown_slug_is_not_found(ctx, factory, action):
    with pytest.raises(NotFound):
        action(me(factory.user()), "no-such-article")


# --- comments --------------------------------------------------------------------------------


def test_comments_listed_oldest_first(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann)
    first = factory.comment(bob, slug, "First")
    second = factory.comment(ann, slug, "Second")
    third = articles.add_comment(me(bob), slug, "Third").id

    comments = articles.list_comments(slug, None)

    assert [c.id for c in comments] == [first, second, third]
    assert [c.body for c in comments] == ["First", "Second", "Third"]


def test_add_comment_to_unknown_article_is_not_found(ctx, factory):
    with pytest.raises(NotFound):
        articles.add_comment(me(factory.user()), "no-such-article", "Hello?")


def test_delete_own_comment(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(ann, slug)

    articles.delete_comment(me(ann), slug, comment_id)

    assert articles.list_comments(slug, None) == []


def test_delete_comment_by_non_author_is_forbidden(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann)
    comment_id = factory.comment(bob, slug)

    with pytest.raises(Forbidden):
        articles.delete_comment(me(ann), slug, comment_id)

    assert [c.id for c in articles.list_comments(slug, None)] == [comment_id]


def test_delete_comment_through_wrong_article_is_not_found(ctx, factory):
    ann = factory.user()
    slug, other = factory.article(ann), factory.article(ann)
    comment_id = factory.comment(ann, slug)

    with pytest.raises(NotFound):
        articles.delete_comment(me(ann), other, comment_id)

    assert [c.id for c in articles.list_comments(slug, None)] == [comment_id]


def test_delete_unknown_comment_is_not_found(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann)

    with pytest.raises(NotFound):
        articles.delete_comment(me(ann), slug, 999_999)


# --- popular_tags ----------------------------------------------------------------------------


def test_popular_tags_most_used_first(ctx, factory):
    ann = factory.user()
    factory.article(ann, tag_list=["css", "flask", "python"])
    factory.article(ann, tag_list=["flask", "python"])
    factory.article(ann, tag_list=["python"])

    assert articles.popular_tags(10) == ["python", "flask", "css"]
    assert articles.popular_tags(2) == ["python", "flask"]


def test_popular_tags_only_tags_in_use(ctx, factory):
    ann = factory.user()
    gone = factory.article(ann, tag_list=["gone"])
    replaced = factory.article(ann, tag_list=["old"])
    factory.article(ann, tag_list=["kept"])

    articles.delete_article(me(ann), gone)
    articles.update_article(me(ann), replaced, {"tag_list": ["new"]})

    assert sorted(articles.popular_tags(10)) == ["kept", "new"]


def test_a_tag_with_any_character_comes_back_whole(ctx, factory):
    """Tags are read as a JSON array, not a string joined on a separator that a tag written
    with the ORM (no schema in the way) could contain."""

    author = factory.user()
    slug = factory.article(author, tag_list=["plain"])
    query = select(Article).where(Article.slug == slug).options(selectinload(Article.tags))
    article = db.session.scalar(query)
    article.tags = [*article.tags, Tag(name="odd\x1fname"), Tag(name='quote"s, and [brackets]')]
    db.session.commit()
    assert articles.get_article(slug, None).tag_list == [
        "odd\x1fname",
        "plain",
        'quote"s, and [brackets]',
    ]
    assert (
        articles.list_articles(None).articles[0].tag_list
        == articles.get_article(slug, None).tag_list
    )


# --- reading time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (1, 1), (344, 1), (345, 2), (920, 4), (1000, 4), (10_000, 43)],
)
def test_reading_minutes_at_230_words_a_minute(words, minutes):
    assert articles.reading_minutes(" ".join(["word"] * words)) == minutes


def test_reading_minutes_counts_words_not_markdown_whitespace():
    body = "# Title\n\n" + "word\t " * 458 + "\n\n```\ncode\n```"
    assert articles.reading_minutes(body) == 2  # 463 words


def test_reading_minutes_stored_when_written(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, body="word " * 1000)
    assert articles.get_article(slug, None).reading_minutes == 4
    assert articles.list_articles(None).articles[0].reading_minutes == 4  # lists carry it

    slug = articles.update_article(me(ann), slug, {"title": "Same body"}).slug
    assert articles.get_article(slug, None).reading_minutes == 4

    articles.update_article(me(ann), slug, {"body": "Short now."})
    assert articles.get_article(slug, None).reading_minutes == 1


# --- edited ----------------------------------------------------------------------------------

PUBLISHED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
JUST_OVER_A_MINUTE = timedelta(minutes=1, seconds=1)


def view(status: str = "published", after: timedelta = timedelta(0), **fields: Any):
    publish_at = PUBLISHED_AT if status != "draft" else None
    return SimpleNamespace(
        status=status, publish_at=publish_at, updated_at=PUBLISHED_AT + after, **fields
    )


@pytest.mark.parametrize(
    ("article", "edited"),
    [
        (view(), None),
        (view(after=timedelta(seconds=1)), None),  # publishing itself touches updated_at
        (view(after=timedelta(minutes=1)), None),
        (view(after=JUST_OVER_A_MINUTE), PUBLISHED_AT + JUST_OVER_A_MINUTE),
        (view(after=timedelta(days=3)), PUBLISHED_AT + timedelta(days=3)),
        (view("draft", after=timedelta(days=3)), None),
        (view("scheduled", after=timedelta(days=-3)), None),  # edited before it goes live
        (view("scheduled", after=timedelta(days=3)), None),
    ],
)
def test_edited_at(article, edited):
    assert articles.edited_at(article) == edited


def test_a_fresh_article_is_not_edited(ctx, factory):
    slug = factory.article(factory.user())
    assert articles.edited_at(articles.get_article(slug, None)) is None


def test_publishing_a_draft_is_not_an_edit(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, status="draft")
    article = articles.publish(me(ann), slug)
    assert articles.edited_at(article) is None


def test_an_article_changed_after_publication_is_edited(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann)
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    db.session.execute(
        update(Article).where(Article.slug == slug).values(publish_at=hour_ago, updated_at=hour_ago)
    )
    db.session.commit()
    assert articles.edited_at(articles.get_article(slug, None)) is None

    article = articles.update_article(me(ann), slug, {"body": "A correction."})

    assert articles.edited_at(article) == article.updated_at
    assert article.updated_at - article.publish_at > timedelta(minutes=59)


# --- old slugs -------------------------------------------------------------------------------


def test_a_title_change_keeps_the_old_slug(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, title="Before")

    articles.update_article(me(ann), slug, {"title": "After"})

    assert db.session.scalars(select(ArticleSlug.slug)).all() == ["before"]
    assert articles.current_slug("before", None) == "after"
    assert articles.current_slug("after", None) is None  # a live slug is no old one
    assert articles.current_slug("never", None) is None


def test_a_title_change_with_the_same_slug_keeps_no_old_slug(ctx, factory):
    ann = factory.user()
    slug = factory.article(ann, title="Hello")

    articles.update_article(me(ann), slug, {"title": "Hello!"})

    assert articles.get_article(slug, None).title == "Hello!"
    assert rows(ArticleSlug.__table__) == 0


def test_current_slug_of_a_draft_is_its_authors_secret(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann, title="Draft one", status="draft")
    articles.update_article(me(ann), slug, {"title": "Draft two"})

    assert articles.current_slug("draft-one", None) is None
    assert articles.current_slug("draft-one", me(bob)) is None
    assert articles.current_slug("draft-one", me(ann)) == "draft-two"


def test_another_articles_old_slug_is_taken(ctx, factory):
    ann, bob = factory.user(), factory.user()
    slug = factory.article(ann, title="Wanted")
    articles.update_article(me(ann), slug, {"title": "Renamed"})
    other = factory.article(bob, title="Other")

    created = articles.create_article(me(bob), draft("Wanted")).slug
    renamed = articles.update_article(me(bob), other, {"title": "Wanted"}).slug

    assert created.startswith("wanted-") and renamed.startswith("wanted-")
    assert articles.current_slug("wanted", None) == "renamed"
