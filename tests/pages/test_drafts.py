"""Drafts and scheduled publishing on the pages: the editor's choices, the time zone, the
banner on an unpublished article, "Publish now", and the owner's Drafts tab."""

import re
from datetime import UTC, datetime

import pytest

from tests.pages.conftest import PageClient, text
from tests.pages.test_articles import titles

ARTICLE = {"title": "My piece", "description": "About it", "body": "Some *text*.", "tags": "x"}
LATER = datetime(2099, 1, 15, 8, 0, tzinfo=UTC)


def api_article(pages: PageClient, account, slug: str) -> dict:
    """The article as its author's API client sees it (status and publishAt included)."""
    response = pages.get(f"/api/articles/{slug}", headers=account.headers)
    assert response.status_code == 200, response.json
    return response.json["article"]


def slug_of(response) -> str:
    assert response.status_code == 302, text(response)
    return response.location.removeprefix("/article/")


def selected_zone(response) -> str:
    select = re.search(r'<select id="field-timeZone".*?</select>', text(response), re.S).group(0)
    return re.search(r'<option value="([^"]+)" selected>', select).group(1)


class TestEditor:
    def test_a_new_article_can_be_published_kept_as_a_draft_or_scheduled(self, pages, factory):
        pages.login(factory.user())
        page = text(pages.get("/editor"))
        assert 'name="action" value="draft">Save draft</button>' in page
        assert 'name="action" value="publish">Publish Article</button>' in page
        assert 'name="action" value="schedule">Schedule</button>' in page
        assert "<legend>Or schedule it</legend>" in page
        assert 'type="datetime-local"' in page and 'for="field-publishAt"' in page
        # Without JavaScript the zone is UTC; the select asks app.js for the browser's.
        assert '<select id="field-timeZone" name="timeZone" data-browser-zone>' in page
        assert '<option value="UTC" selected>UTC</option>' in page
        assert '<option value="Europe/Paris">Paris</option>' in page
        # "Save draft" is the first button, so Enter in a field never publishes by surprise.
        assert page.index('value="draft"') < page.index('value="publish"')

    def test_publish(self, pages, factory):
        pages.login(factory.user())
        response = pages.post("/editor", ARTICLE | {"action": "publish"})
        assert slug_of(response) == "my-piece"
        article = text(pages.get(response.location))
        assert "Your article is published." in article
        assert "only you can see it" not in article
        assert titles(pages.get("/")) == ["My piece"]

    def test_without_a_button_a_new_article_is_published(self, pages, factory):
        pages.login(factory.user())
        response = pages.post("/editor", ARTICLE)  # an older form, or a script
        assert "Your article is published." in text(pages.get(response.location))

    def test_save_draft(self, pages, factory):
        account = factory.user()
        pages.login(account)
        response = pages.post("/editor", ARTICLE | {"action": "draft"})
        slug = slug_of(response)
        page = text(pages.get(response.location))
        assert "Your draft is saved: only you can see it." in page
        assert "This is a draft: only you can see it." in page
        assert titles(pages.get("/")) == []
        assert api_article(pages, account, slug)["status"] == "draft"

    @pytest.mark.parametrize(
        ("local", "zone", "utc"),
        [
            ("2099-01-15T09:00", "Europe/Paris", "2099-01-15T08:00:00.000Z"),  # winter, +01:00
            ("2099-07-15T09:00", "Europe/Paris", "2099-07-15T07:00:00.000Z"),  # summer, +02:00
            ("2099-01-15T09:00", "America/New_York", "2099-01-15T14:00:00.000Z"),
            ("2099-01-15T09:00", "Asia/Kolkata", "2099-01-15T03:30:00.000Z"),
            ("2099-01-15T09:00", "UTC", "2099-01-15T09:00:00.000Z"),
        ],
    )
    def test_schedule_converts_the_local_time_in_its_zone(self, pages, factory, local, zone, utc):
        account = factory.user()
        pages.login(account)
        data = ARTICLE | {"action": "schedule", "publishAt": local, "timeZone": zone}
        response = pages.post("/editor", data)
        slug = slug_of(response)
        article = api_article(pages, account, slug)
        assert (article["status"], article["publishAt"]) == ("scheduled", utc)
        shown = utc[:10], utc[11:16]
        page = text(pages.get(response.location))
        assert "Your article is scheduled to publish on" in page
        assert f"at {shown[1]}</time> UTC: only you can see it until then." in page
        assert titles(pages.get("/")) == []

    def test_schedule_in_the_past_is_shown_beside_the_field(self, pages, factory):
        pages.login(factory.user())
        data = ARTICLE | {"action": "schedule", "publishAt": "2001-01-15T09:00",
                          "timeZone": "Europe/Paris"}  # fmt: skip
        response = pages.post("/editor", data)
        assert response.status_code == 422
        page = text(response)
        field = re.search(r'<div class="field field-invalid">.*?</div>', page, re.S).group(0)
        assert 'id="field-publishAt"' in field and 'aria-invalid="true"' in field
        assert "<li>Date and time must be in the future</li>" in field
        assert 'value="2001-01-15T09:00"' in field
        # The writer's choices are kept, and JavaScript leaves their zone alone.
        assert selected_zone(response) == "Europe/Paris"
        assert "data-browser-zone" not in page
        assert 'value="My piece"' in page

    def test_schedule_needs_a_time(self, pages, factory):
        pages.login(factory.user())
        response = pages.post("/editor", ARTICLE | {"action": "schedule", "publishAt": " "})
        assert response.status_code == 422
        assert "<li>Date and time is needed to schedule an article</li>" in text(response)

    @pytest.mark.parametrize(
        ("local", "zone"),
        [("next tuesday", "UTC"), ("2099-01-15T09:00", "Mars/Olympus"),
         ("9999-12-31T23:59", "America/Los_Angeles"), ("9999-12-31T23:59-10:00", "UTC"),
         ("2099-02-30T09:00", "UTC")],
    )  # fmt: skip
    def test_unreadable_times_and_zones_are_refused(self, pages, factory, local, zone):
        pages.login(factory.user())
        data = ARTICLE | {"action": "schedule", "publishAt": local, "timeZone": zone}
        response = pages.post("/editor", data)
        assert response.status_code == 422
        assert 'id="error-publishAt"' in text(response)

    def test_editing_a_draft_shows_its_state_and_keeps_it(self, pages, factory):
        account = factory.user()
        slug = factory.article(account, status="draft")
        pages.login(account)
        page = text(pages.get(f"/editor/{slug}"))
        assert '<p class="publication-state">This is a draft: only you can see it.</p>' in page
        assert 'value="publish">Publish now</button>' in page
        response = pages.post(f"/editor/{slug}", ARTICLE | {"action": "draft"})
        assert "Your draft is saved" in text(pages.get(response.location))
        assert api_article(pages, account, slug_of(response))["status"] == "draft"

    def test_editing_a_scheduled_article_shows_its_time_in_utc(self, pages, factory):
        account = factory.user()
        slug = factory.article(account, status="scheduled", publish_at=LATER)
        pages.login(account)
        response = pages.get(f"/editor/{slug}")
        page = text(response)
        assert "Scheduled to publish on" in page and "January 15, 2099 at 08:00</time> UTC" in page
        assert 'value="2099-01-15T08:00"' in page
        # Shown in UTC: app.js moves it to the browser's zone, with the time.
        assert selected_zone(response) == "UTC" and "data-browser-zone" in page
        data = ARTICLE | {"action": "schedule", "publishAt": "2099-01-15T08:00", "timeZone": "UTC"}
        response = pages.post(f"/editor/{slug}", data)
        article = api_article(pages, account, slug_of(response))
        assert (article["status"], article["publishAt"]) == (
            "scheduled",
            "2099-01-15T08:00:00.000Z",
        )

    def test_a_scheduled_article_can_go_back_to_a_draft_or_out_now(self, pages, factory):
        account = factory.user()
        first = factory.article(account, status="scheduled", publish_at=LATER)
        second = factory.article(account, status="scheduled", publish_at=LATER)
        pages.login(account)
        pages.post(f"/editor/{first}", ARTICLE | {"title": "First", "action": "draft"})
        pages.post(f"/editor/{second}", ARTICLE | {"title": "Second", "action": "publish"})
        assert titles(pages.get("/")) == ["Second"]
        assert api_article(pages, account, "first")["publishAt"] is None

    def test_updating_a_published_article_keeps_it_published(self, pages, factory):
        account = factory.user()
        slug = factory.article(account)
        pages.login(account)
        page = text(pages.get(f"/editor/{slug}"))
        assert (
            '<button class="btn btn-lg btn-primary" type="submit">Update Article</button>' in page
        )
        assert "Unpublish (back to draft)" in page and "data-confirm=" in page
        assert "Or schedule it" not in page and "publication-state" not in page
        response = pages.post(f"/editor/{slug}", ARTICLE | {"title": "Renamed"})
        assert "Your article is updated." in text(pages.get(response.location))
        assert titles(pages.get("/")) == ["Renamed"]

    def test_unpublish(self, pages, factory):
        account = factory.user()
        slug = factory.article(account, title="Going back")
        pages.login(account)
        response = pages.post(
            f"/editor/{slug}", ARTICLE | {"title": "Going back", "action": "draft"}
        )
        assert "This is a draft: only you can see it." in text(pages.get(response.location))
        assert titles(pages.get("/")) == []

    def test_a_published_article_cannot_be_scheduled(self, pages, factory):
        account = factory.user()
        slug = factory.article(account)
        pages.login(account)
        data = ARTICLE | {"action": "schedule", "publishAt": "2099-01-15T09:00", "timeZone": "UTC"}
        response = pages.post(f"/editor/{slug}", data)
        assert response.status_code == 422
        assert "publishAt can&#39;t be set: the article is published already" in text(response)
        assert api_article(pages, account, slug)["status"] == "published"


class TestUnpublishedArticlePage:
    def test_only_its_author_sees_a_draft(self, app, pages, factory):
        author, other = factory.user(), factory.user()
        slug = factory.article(author, status="draft")
        assert pages.get(f"/article/{slug}").status_code == 404
        pages.login(other)
        assert pages.get(f"/article/{slug}").status_code == 404
        mine = PageClient(app.test_client())
        mine.login(author)
        assert mine.get(f"/article/{slug}").status_code == 200

    def test_the_author_sees_a_banner_with_publish_now(self, pages, factory):
        author = factory.user()
        draft = factory.article(author, status="draft")
        scheduled = factory.article(author, status="scheduled", publish_at=LATER)
        pages.login(author)
        page = text(pages.get(f"/article/{draft}"))
        banner = re.search(r'<div class="publication-banner">.*?</form>', page, re.S).group(0)
        assert "<p>This is a draft: only you can see it.</p>" in banner
        assert f'action="/article/{draft}/publish"' in banner and 'name="csrf_token"' in banner
        assert ">Publish now</button>" in banner
        page = text(pages.get(f"/article/{scheduled}"))
        assert (
            'Scheduled to publish on <time datetime="2099-01-15T08:00:00.000Z">January 15, 2099'
            " at 08:00</time> UTC: only you can see it until then." in page
        )

    def test_a_published_article_has_no_banner(self, pages, factory):
        author = factory.user()
        slug = factory.article(author)
        pages.login(author)
        assert "publication-banner" not in text(pages.get(f"/article/{slug}"))

    def test_publish_now(self, app, pages, factory):
        author = factory.user()
        slug = factory.article(author, title="Soon", status="scheduled", publish_at=LATER)
        pages.login(author)
        response = pages.post(f"/article/{slug}/publish")
        assert response.location == f"/article/{slug}"
        page = text(pages.get(response.location))
        assert "Your article is published." in page and "publication-banner" not in page
        assert titles(PageClient(app.test_client()).get("/")) == ["Soon"]

    def test_only_the_author_can_publish(self, app, pages, factory):
        author, other = factory.user(), factory.user()
        slug = factory.article(author, status="draft")
        assert pages.post(f"/article/{slug}/publish").location.startswith("/login")
        pages.login(other)
        assert pages.post(f"/article/{slug}/publish").status_code in (403, 404)
        assert (
            pages.get("/api/articles/" + slug, headers=author.headers).json["article"]["status"]
            == "draft"
        )


class TestDraftsTab:
    def test_the_owner_sees_drafts_and_scheduled_articles(self, pages, factory):
        author = factory.user("writer")
        factory.article(author, title="Out")
        factory.article(author, title="Unfinished", status="draft")
        factory.article(author, title="Coming", status="scheduled", publish_at=LATER)
        pages.login(author)
        profile = text(pages.get("/profile/writer"))
        assert '<a href="/profile/writer/drafts" >Drafts</a>' in profile
        response = pages.get("/profile/writer/drafts")
        assert response.status_code == 200
        page = text(response)
        assert "<title>Your drafts — Conduit</title>" in page
        assert '<a href="/profile/writer/drafts" aria-current="page">Drafts</a>' in page
        assert titles(response) == ["Coming", "Unfinished"]  # scheduled first
        assert (
            '<p class="status-label status-scheduled">Scheduled for <time '
            'datetime="2099-01-15T08:00:00.000Z">January 15, 2099 at 08:00</time> UTC</p>' in page
        )
        assert '<p class="status-label status-draft">Draft</p>' in page
        assert titles(pages.get("/profile/writer")) == ["Out"]

    def test_nobody_else_can_see_or_open_it(self, pages, factory):
        author, other = factory.user("writer"), factory.user()
        factory.article(author, title="Secret", status="draft")
        assert "/drafts" not in text(pages.get("/profile/writer"))
        assert pages.get("/profile/writer/drafts").status_code == 404
        pages.login(other)
        assert "/drafts" not in text(pages.get("/profile/writer"))
        response = pages.get("/profile/writer/drafts")
        assert response.status_code == 404 and "Secret" not in text(response)
        assert pages.get("/profile/nobody/drafts").status_code == 404

    def test_empty(self, pages, factory):
        pages.login(factory.user("writer"))
        assert "No drafts or scheduled articles." in text(pages.get("/profile/writer/drafts"))

    def test_pages_run_through_scheduled_then_drafts(self, app, pages, factory, count_queries):
        author = factory.user("writer")
        size = app.config["PAGE_SIZE"]
        for n in range(size - 3):
            factory.article(author, title=f"Scheduled {n}", status="scheduled", publish_at=LATER)
        for n in range(6):
            factory.article(author, title=f"Draft {n}", status="draft")
        pages.login(author)
        with count_queries() as queries:
            first = pages.get("/profile/writer/drafts")
        # session user, their flags, profile, then the count and page of each kind
        assert queries.count == 7, queries.statements
        second = pages.get("/profile/writer/drafts?page=2")
        expected = [f"Scheduled {n}" for n in reversed(range(size - 3))]
        expected += [f"Draft {n}" for n in reversed(range(6))]
        assert titles(first) + titles(second) == expected
        assert 'href="/profile/writer/drafts?page=2"' in text(first)
        assert titles(pages.get("/profile/writer/drafts?page=3")) == []
