"""Feeds, sitemaps and robots.txt: read back with a real feed parser and an XML parser, so what
a feed reader or a crawler would see is what is checked."""

import calendar
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import feedparser
import pytest

from myapp.articles import feeds
from myapp.extensions import cache
from tests.pages.conftest import text

LATER = datetime(2099, 1, 15, 8, 0, tzinfo=UTC)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PUBLIC_URL = "https://conduit.example.org"


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, text(response)
    document = feedparser.parse(response.data)
    assert not document.bozo, document.get("bozo_exception")
    return document


def titles(document) -> list[str]:
    return [entry.title for entry in document.entries]


def moment(parsed) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def sitemap_urls(response) -> dict[str, str]:
    """{loc: lastmod} of a sitemap file."""
    assert response.status_code == 200, text(response)
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == f"{SITEMAP}urlset"
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}


@pytest.fixture
def writers(factory):
    """alice: one published article with tags, a draft and a scheduled one; bob: one article."""
    alice = factory.user("alice")
    bob = factory.user("bob")
    factory.user("carol")  # nothing published
    factory.article(
        alice,
        title="Hello <World>",
        description="A first post",
        body="# Hi\n\nSome *Markdown* <script>alert(1)</script>",
        tag_list=["python", "web"],
    )
    factory.article(alice, title="Unfinished", status="draft", tag_list=["python"])
    factory.article(alice, title="Coming", status="scheduled", publish_at=LATER)
    factory.article(bob, title="Bob writes", tag_list=["go"])
    return alice, bob


class TestSiteFeeds:
    def test_the_atom_feed_holds_the_published_articles_with_everything_a_reader_shows(
        self, client, writers
    ):
        response = client.get("/feed.atom")
        assert response.mimetype == "application/atom+xml"
        document = parse(response)
        assert document.version == "atom10"
        assert document.feed.title == "Conduit"
        assert document.feed.link == "http://localhost/"
        assert titles(document) == ["Bob writes", "Hello <World>"]  # newest first

        entry = document.entries[1]
        assert entry.link == "http://localhost/article/hello-world"
        assert entry.author == "alice"
        assert entry.author_detail.href == "http://localhost/profile/alice"
        assert [tag.term for tag in entry.tags] == ["python", "web"]
        assert entry.summary == "A first post"
        [content] = entry.content
        assert content.type == "text/html"
        assert "<em>Markdown</em>" in content.value
        assert "<script" not in content.value  # the HTML sanitised when it was written
        assert entry.id.startswith("tag:localhost,")
        assert entry.updated_parsed is not None and entry.published_parsed is not None
        newest = max(moment(e.updated_parsed) for e in document.entries)
        assert moment(document.feed.updated_parsed) == newest

    def test_the_rss_feed_holds_the_same_articles(self, client, writers):
        response = client.get("/feed.rss")
        assert response.mimetype == "application/rss+xml"
        document = parse(response)
        assert document.version == "rss20"
        assert document.feed.link == "http://localhost/"
        assert titles(document) == ["Bob writes", "Hello <World>"]
        entry = document.entries[1]
        assert entry.link == "http://localhost/article/hello-world"
        assert entry.author == "alice"  # dc:creator: RSS's own <author> is an email address
        assert [tag.term for tag in entry.tags] == ["python", "web"]
        assert "<em>Markdown</em>" in entry.content[0].value
        assert entry.published_parsed is not None
        atom = parse(client.get("/feed.atom"))
        assert [e.id for e in document.entries] == [e.id for e in atom.entries]

    def test_drafts_and_scheduled_articles_are_in_no_feed(self, client, writers):
        for url in ("/feed.atom", "/feed.rss", "/tag/python/feed.atom", "/profile/alice/feed.atom"):
            found = titles(parse(client.get(url)))
            assert "Unfinished" not in found and "Coming" not in found, url

    def test_a_feed_holds_the_20_newest_articles(self, client, factory):
        author = factory.user("prolific")
        for n in range(feeds.FEED_SIZE + 2):
            factory.article(author, title=f"Number {n}")
        expected = [f"Number {n}" for n in range(feeds.FEED_SIZE + 1, 1, -1)]
        for url in ("/feed.atom", "/feed.rss", "/profile/prolific/feed.atom"):
            assert titles(parse(client.get(url))) == expected, url

    def test_an_empty_site_has_a_valid_empty_feed(self, client):
        for url in ("/feed.atom", "/feed.rss"):
            response = client.get(url)
            assert parse(response).entries == []
            assert "Last-Modified" not in response.headers
            assert response.headers["ETag"]

    def test_characters_xml_cannot_hold_are_left_out(self, client, factory):
        author = factory.user("writer")
        factory.article(author, title="Bell\x07 and tab\x0b", description="form\x0cfeed")
        entry = parse(client.get("/feed.atom")).entries[0]
        assert (entry.title, entry.summary) == ("Bell and tab", "formfeed")


class TestTagAndAuthorFeeds:
    def test_a_tag_feed_holds_the_articles_with_that_tag(self, client, writers):
        document = parse(client.get("/tag/python/feed.atom"))
        assert document.feed.title == "Conduit: #python"
        assert document.feed.link == "http://localhost/?tag=python"
        assert titles(document) == ["Hello <World>"]
        assert titles(parse(client.get("/tag/go/feed.atom"))) == ["Bob writes"]

    def test_an_unknown_tag_gives_an_empty_feed(self, client, writers):
        assert parse(client.get("/tag/nothing-here/feed.atom")).entries == []

    def test_a_tag_may_hold_a_slash_and_any_letter(self, client, factory):
        author = factory.user("writer")
        factory.article(author, title="Pipelines", tag_list=["ci/cd", "café"])
        assert titles(parse(client.get("/tag/ci/cd/feed.atom"))) == ["Pipelines"]
        assert titles(parse(client.get("/tag/caf%C3%A9/feed.atom"))) == ["Pipelines"]

    def test_an_author_feed_holds_their_articles(self, client, writers):
        document = parse(client.get("/profile/alice/feed.atom"))
        assert document.feed.title == "Conduit: alice"
        assert document.feed.link == "http://localhost/profile/alice"
        assert document.feed.author == "alice"
        assert titles(document) == ["Hello <World>"]

    def test_an_author_with_nothing_published_has_an_empty_feed(self, client, writers):
        assert parse(client.get("/profile/carol/feed.atom")).entries == []

    def test_an_unknown_author_is_not_found(self, client, writers):
        assert client.get("/profile/nobody/feed.atom").status_code == 404
        assert client.get("/profile/Alice/feed.atom").status_code == 404  # as /profile/Alice


class TestConditionalGets:
    @pytest.mark.parametrize(
        "url", ["/feed.atom", "/feed.rss", "/tag/python/feed.atom", "/profile/alice/feed.atom"]
    )
    def test_a_reader_with_the_current_version_gets_304(self, client, writers, url):
        response = client.get(url)
        etag, last_modified = response.headers["ETag"], response.headers["Last-Modified"]
        assert response.headers["Cache-Control"] == "public, max-age=300"
        updated = moment(parse(response).feed.updated_parsed)  # the newest entry's
        assert parsedate_to_datetime(last_modified) == updated.replace(microsecond=0)

        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag
        since = client.get(url, headers={"If-Modified-Since": last_modified})
        assert since.status_code == 304
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.data == response.data
        earlier = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
        assert earlier.status_code == 200

    def test_the_same_content_gives_the_same_etag(self, client, factory, writers):
        first = client.get("/feed.atom").headers["ETag"]
        factory.user("dave")  # a write to a public table: the cached feed is built again
        assert client.get("/feed.atom").headers["ETag"] == first

    def test_a_new_article_is_in_the_feed_after_it_is_written(self, client, factory, writers):
        alice, _ = writers
        before = client.get("/feed.atom")
        assert titles(parse(before)) == ["Bob writes", "Hello <World>"]
        factory.article(alice, title="Fresh", tag_list=["python"])
        after = client.get("/feed.atom", headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200
        assert titles(parse(after)) == ["Fresh", "Bob writes", "Hello <World>"]
        assert titles(parse(client.get("/tag/python/feed.atom")))[0] == "Fresh"
        assert titles(parse(client.get("/profile/alice/feed.atom")))[0] == "Fresh"
        assert "http://localhost/article/fresh" in sitemap_urls(client.get("/sitemap.xml"))

    def test_sitemaps_and_robots_answer_conditional_gets(self, client, writers):
        for url in ("/sitemap.xml", "/robots.txt"):
            response = client.get(url)
            etag = response.headers["ETag"]
            assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
        last_modified = client.get("/sitemap.xml").headers["Last-Modified"]
        response = client.get("/sitemap.xml", headers={"If-Modified-Since": last_modified})
        assert response.status_code == 304


@pytest.mark.parametrize("size", [1, 25])
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/feed.atom", 1),
        ("/feed.rss", 1),
        ("/tag/common/feed.atom", 1),
        ("/profile/author/feed.atom", 1),
        ("/profile/reader/feed.atom", 2),  # nothing published: does the author exist?
        ("/sitemap.xml", 2),  # the count, the URLs
    ],
)
def test_feeds_run_a_constant_number_of_queries(client, factory, count_queries, size, url, budget):
    reader = factory.user("reader")
    author = factory.user("author")
    for i in range(size):
        slug = factory.article(author, tag_list=["common", f"tag{i}"])
        factory.favorite(reader, slug)
        factory.comment(reader, slug)
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert queries.count == budget, queries.statements
    with count_queries() as queries:  # then from the cache until the next write
        assert client.get(url).status_code == 200
    assert queries.count == 0, queries.statements


class TestSitemaps:
    def test_the_sitemap_names_published_articles_and_their_authors(self, client, writers):
        atom = parse(client.get("/feed.atom"))
        updated = {e.link: moment(e.updated_parsed).replace(microsecond=0) for e in atom.entries}
        urls = sitemap_urls(client.get("/sitemap.xml"))
        assert list(urls) == [
            "http://localhost/article/hello-world",
            "http://localhost/article/bob-writes",
            "http://localhost/profile/alice",
            "http://localhost/profile/bob",
        ]  # no draft, no scheduled article, nobody without a published article
        lastmod = {loc: datetime.fromisoformat(value) for loc, value in urls.items()}
        for link, moment_ in updated.items():
            assert lastmod[link] == moment_
        assert (
            lastmod["http://localhost/profile/alice"]
            == updated["http://localhost/article/hello-world"]
        )
        assert (
            lastmod["http://localhost/profile/bob"]
            == updated["http://localhost/article/bob-writes"]
        )

    def test_an_empty_site_has_an_empty_sitemap(self, client):
        assert sitemap_urls(client.get("/sitemap.xml")) == {}

    def test_past_its_size_the_sitemap_becomes_an_index(self, client, writers, monkeypatch):
        everything = sitemap_urls(client.get("/sitemap.xml"))
        assert client.get("/sitemap-1.xml").status_code == 200  # the only file there is
        assert client.get("/sitemap-2.xml").status_code == 404
        monkeypatch.setattr(feeds, "SITEMAP_SIZE", 3)
        # A new size is new code, not a write: what was cached under the old one is forgotten.
        with client.application.app_context():
            cache.clear()

        response = client.get("/sitemap.xml")
        assert response.status_code == 200
        index = ElementTree.fromstring(response.data)
        assert index.tag == f"{SITEMAP}sitemapindex"
        files = [entry.findtext(f"{SITEMAP}loc") for entry in index]
        assert files == ["http://localhost/sitemap-1.xml", "http://localhost/sitemap-2.xml"]
        first, second = (
            sitemap_urls(client.get(url)) for url in ("/sitemap-1.xml", "/sitemap-2.xml")
        )
        assert (len(first), len(second)) == (3, 1)
        assert first | second == everything
        for url in ("/sitemap-3.xml", "/sitemap-0.xml"):
            assert client.get(url).status_code == 404, url


class TestRobots:
    def test_robots_keep_crawlers_from_private_pages_and_name_the_sitemap(self, app, client):
        response = client.get("/robots.txt")
        assert response.status_code == 200 and response.mimetype == "text/plain"
        lines = text(response).splitlines()
        assert lines[0] == "User-agent: *"
        disallowed = [line.split(": ", 1)[1] for line in lines if line.startswith("Disallow:")]
        assert set(disallowed) >= {
            "/settings",
            "/api/",
            "/logout",
            "/forgot-password",
            "/reset-password/",
        }
        # Public forms stay crawlable (Lighthouse's SEO audit): they hold nothing private.
        assert not {"/login", "/register", "/editor"} & set(disallowed)
        assert "Disallow: /" not in lines and "Disallow:" not in lines  # the rest is open
        assert "Sitemap: http://localhost/sitemap.xml" in lines
        rules = [rule.rule for rule in app.url_map.iter_rules()]
        for path in disallowed:  # each names pages that exist
            assert any(rule.startswith(path) for rule in rules), path


class TestPublicUrl:
    @pytest.fixture
    def public(self, app, monkeypatch):
        monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC_URL)

    def test_links_point_to_the_public_url_when_it_is_set(self, client, writers, public):
        atom = parse(client.get("/feed.atom"))
        assert atom.feed.link == f"{PUBLIC_URL}/"
        assert {link.href for link in atom.feed.links} == {
            f"{PUBLIC_URL}/",
            f"{PUBLIC_URL}/feed.atom",
        }
        assert atom.entries[1].link == f"{PUBLIC_URL}/article/hello-world"
        assert atom.entries[1].author_detail.href == f"{PUBLIC_URL}/profile/alice"
        assert atom.entries[1].id.startswith("tag:conduit.example.org,")
        rss = parse(client.get("/feed.rss"))
        assert rss.entries[1].link == f"{PUBLIC_URL}/article/hello-world"
        tag = parse(client.get("/tag/python/feed.atom"))
        assert tag.feed.link == f"{PUBLIC_URL}/?tag=python"
        urls = sitemap_urls(client.get("/sitemap.xml"))
        assert all(url.startswith(f"{PUBLIC_URL}/") for url in urls) and urls
        assert f"Sitemap: {PUBLIC_URL}/sitemap.xml" in text(client.get("/robots.txt"))

    def test_without_it_links_follow_the_address_asked(self, client, writers):
        atom = parse(client.get("/feed.atom", base_url="https://other.example:8443/"))
        assert atom.entries[0].link == "https://other.example:8443/article/bob-writes"
        # each address has its own cached copy
        assert (
            parse(client.get("/feed.atom")).entries[0].link == "http://localhost/article/bob-writes"
        )


class TestAlternateLinks:
    SITE = (
        '<link rel="alternate" type="application/atom+xml" title="Conduit" href="/feed.atom">',
        '<link rel="alternate" type="application/rss+xml" title="Conduit (RSS)" href="/feed.rss">',
    )

    def test_every_page_links_the_site_feeds(self, client, writers):
        for url in ("/", "/article/hello-world", "/login", "/profile/alice", "/no-such-page"):
            page = text(client.get(url))
            assert all(link in page for link in self.SITE), url

    def test_the_home_page_of_a_tag_links_its_feed(self, client, writers):
        page = text(client.get("/?tag=python"))
        assert all(link in page for link in self.SITE)
        assert (
            '<link rel="alternate" type="application/atom+xml" title="Conduit: #python" '
            'href="/tag/python/feed.atom">'
        ) in page
        assert "/tag/" not in text(client.get("/"))

    def test_a_tag_link_is_escaped(self, client, factory):
        factory.article(factory.user("writer"), tag_list=['a"b<c'])
        page = text(client.get("/?tag=a%22b%3Cc"))
        assert 'title="Conduit: #a&#34;b&lt;c" href="/tag/a%22b%3Cc/feed.atom"' in page

    def test_a_profile_links_its_author_feed(self, client, writers):
        for url in ("/profile/alice", "/profile/alice/favorites"):
            page = text(client.get(url))
            assert all(link in page for link in self.SITE), url
            assert (
                '<link rel="alternate" type="application/atom+xml" title="Conduit: alice" '
                'href="/profile/alice/feed.atom">'
            ) in page, url
