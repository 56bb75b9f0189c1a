"""Canonical links, share cards (Open Graph, Twitter) and structured data (JSON-LD) in the
pages' heads, as a crawler reads them: parsed, not searched for."""

import json
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from tests.pages.conftest import text

SITE = "http://localhost"  # the test client's address: no PUBLIC_URL in tests
AVATAR = f"{SITE}/static/avatar.svg"


class Head(HTMLParser):
    """What a crawler takes from a page's head: its links by ``rel``, its meta tags by
    ``property`` or ``name`` (each a list: ``article:tag`` repeats), its data blocks."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.links: dict[str, list[str]] = {}
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel"):
            self.links.setdefault(attributes["rel"], []).append(attributes["href"])
        elif tag == "meta" and ("property" in attributes or "name" in attributes):
            key = attributes.get("property") or attributes["name"]
            self.meta.setdefault(key, []).append(attributes["content"])
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]

    @property
    def canonical(self) -> str | None:
        links = self.links.get("canonical", [])
        assert len(links) <= 1, links
        return links[0] if links else None


def head(response) -> Head:
    assert response.status_code == 200, text(response)
    return Head(text(response))


def api_article(client, slug: str, account=None) -> dict:
    headers = account.headers if account else None
    return client.get(f"/api/articles/{slug}", headers=headers).get_json()["article"]


# --- canonical -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/", f"{SITE}/"),
        # Tracking, tabs and a first page say nothing about what the page shows.
        ("/?utm_source=news&fbclid=x&tab=global&page=1", f"{SITE}/"),
        ("/?tab=yours", f"{SITE}/"),  # a signed-out reader sees the global feed
        ("/?tag=python&utm_medium=social", f"{SITE}/?tag=python"),
        ("/?tab=tag&tag=+python+", f"{SITE}/?tag=python"),
        ("/?tag=", f"{SITE}/"),
        ("/?page=nonsense", f"{SITE}/"),
        ("/login?next=/settings", f"{SITE}/login"),
        ("/register", f"{SITE}/register"),
    ],
)
def test_canonical_keeps_only_what_chooses_the_content(client, url, canonical):
    assert head(client.get(url)).canonical == canonical


def test_canonical_on_profiles_and_articles(client, factory):
    ann = factory.user("ann")
    slug = factory.article(ann, title="Hello there")
    assert head(client.get("/profile/ann?ref=twitter")).canonical == f"{SITE}/profile/ann"
    assert (
        head(client.get("/profile/ann/favorites?page=1&ref=x")).canonical
        == f"{SITE}/profile/ann/favorites"
    )
    assert head(client.get(f"/article/{slug}?utm_campaign=x")).canonical == (
        f"{SITE}/article/hello-there"
    )


def test_a_query_key_cannot_reach_the_url_builder(client, factory):
    factory.user("ann")
    response = client.get("/profile/ann?endpoint=x&_method=POST&_external=0&username=bob")
    assert head(response).canonical == f"{SITE}/profile/ann"


def test_error_pages_have_no_canonical(client):
    for url in ("/article/no-such-article", "/no/such/page"):
        response = client.get(url)
        assert response.status_code == 404
        assert Head(text(response)).canonical is None


# --- an article's share card and structured data ---------------------------------------------


def test_article_open_graph_and_twitter(client, factory):
    ann = factory.user("ann", image="https://images.example.org/ann.png")
    slug = factory.article(
        ann, title="Share me", description="Why sharing works", tag_list=["web", "python"]
    )
    api = api_article(client, slug)
    tags = head(client.get(f"/article/{slug}"))
    url = f"{SITE}/article/{slug}"

    assert tags.one("og:type") == "article"
    assert tags.one("og:site_name") == "Conduit"
    assert tags.one("og:title") == "Share me"
    assert tags.one("og:description") == "Why sharing works"
    assert tags.one("og:url") == url == tags.canonical
    assert tags.one("og:image") == "https://images.example.org/ann.png"
    assert tags.one("article:published_time") == api["publishAt"]
    assert tags.one("article:modified_time") == api["updatedAt"]
    assert tags.one("article:author") == f"{SITE}/profile/ann"
    assert tags.meta["article:tag"] == ["python", "web"]
    assert tags.one("twitter:card") == "summary"
    assert tags.one("twitter:title") == "Share me"
    assert tags.one("twitter:description") == "Why sharing works"
    assert tags.one("twitter:image") == "https://images.example.org/ann.png"
    assert "robots" not in tags.meta


def test_article_without_author_image_shows_the_default_avatar(client, factory):
    slug = factory.article(factory.user())
    tags = head(client.get(f"/article/{slug}"))
    assert tags.one("og:image") == AVATAR
    assert tags.one("twitter:image") == AVATAR
    (data,) = tags.json_ld
    assert json.loads(data)["image"] == AVATAR
    assert client.get("/static/avatar.svg").status_code == 200


def test_article_json_ld(client, factory):
    ann = factory.user("ann")
    slug = factory.article(
        ann, title="Structured", description="Data for machines", tag_list=["seo", "json"]
    )
    api = api_article(client, slug)
    (data,) = head(client.get(f"/article/{slug}")).json_ld
    assert json.loads(data) == {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": "Structured",
        "description": "Data for machines",
        "url": f"{SITE}/article/{slug}",
        "image": AVATAR,
        "datePublished": api["publishAt"],
        "dateModified": api["updatedAt"],
        "author": {"@type": "Person", "name": "ann", "url": f"{SITE}/profile/ann"},
        "keywords": ["json", "seo"],
    }


def test_json_ld_cannot_be_closed_by_a_title(client, factory):
    title = "</script><script>alert(1)</script> & <!-- 'quotes' \"too\""
    slug = factory.article(factory.user(), title=title, description="</SCRIPT> & more")
    page = text(client.get(f"/article/{slug}"))
    tags = Head(page)

    (data,) = tags.json_ld  # one data block, read whole: nothing closed it early
    assert not {"<", ">", "&"} & set(data)  # escaped as \u003c, \u003e, \u0026
    parsed = json.loads(data)
    assert parsed["headline"] == title
    assert parsed["description"] == "</SCRIPT> & more"
    assert tags.one("og:title") == title  # attributes are escaped, and read back whole
    assert page.count("<script") == 2  # app.js and the data block: no script came from text


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_unpublished_articles_carry_noindex(pages, factory, status):
    ann = factory.user()
    fields = {"status": status}
    if status == "scheduled":
        fields["publish_at"] = datetime(2099, 1, 1, tzinfo=UTC)
    slug = factory.article(ann, **fields)
    pages.login(ann)

    tags = head(pages.get(f"/article/{slug}"))

    assert tags.one("robots") == "noindex"
    assert "article:published_time" not in tags.meta
    (data,) = tags.json_ld
    assert "datePublished" not in json.loads(data)


def test_a_published_article_has_no_robots_tag(pages, factory):
    ann = factory.user()
    slug = factory.article(ann)
    pages.login(ann)  # even for its author
    assert "robots" not in head(pages.get(f"/article/{slug}")).meta


# --- a profile's share card ------------------------------------------------------------------


def test_profile_open_graph_and_twitter(client, factory):
    factory.user("ann", bio="I write about <b>tests</b> & more.", image="https://img.example/a.png")
    tags = head(client.get("/profile/ann"))

    assert tags.one("og:type") == "profile"
    assert tags.one("og:site_name") == "Conduit"
    assert tags.one("og:title") == "ann"
    assert tags.one("og:description") == "I write about <b>tests</b> & more."
    assert tags.one("og:url") == f"{SITE}/profile/ann" == tags.canonical
    assert tags.one("og:image") == "https://img.example/a.png"
    assert tags.one("profile:username") == "ann"
    assert tags.one("twitter:card") == "summary"
    assert tags.one("twitter:title") == "ann"
    assert tags.one("twitter:description") == "I write about <b>tests</b> & more."
    assert tags.one("twitter:image") == "https://img.example/a.png"
    assert "robots" not in tags.meta
    assert tags.json_ld == []


def test_profile_without_bio_or_image(client, factory):
    factory.user("bob")
    tags = head(client.get("/profile/bob/favorites"))
    assert tags.one("og:title") == "Articles favorited by bob"
    assert tags.one("og:description") == "Articles by bob on Conduit."
    assert tags.one("og:url") == f"{SITE}/profile/bob/favorites"
    assert tags.one("og:image") == AVATAR


def test_own_drafts_tab_is_not_indexed(pages, factory):
    ann = factory.user("ann")
    pages.login(ann)
    assert head(pages.get("/profile/ann/drafts")).one("robots") == "noindex"


# --- PUBLIC_URL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("public_url", "site"),
    [
        ("https://conduit.example.org", "https://conduit.example.org"),
        ("https://example.org/conduit/", "https://example.org/conduit"),  # under a path
    ],
)
def test_absolute_urls_are_on_public_url(app, client, factory, monkeypatch, public_url, site):
    monkeypatch.setitem(app.config, "PUBLIC_URL", public_url)
    ann = factory.user("ann")
    slug = factory.article(ann, title="Far away")

    tags = head(client.get(f"/article/{slug}"))  # asked for on http://localhost
    assert tags.canonical == tags.one("og:url") == f"{site}/article/far-away"
    assert tags.one("og:image") == f"{site}/static/avatar.svg"
    assert tags.one("article:author") == f"{site}/profile/ann"
    (data,) = tags.json_ld
    parsed = json.loads(data)
    assert parsed["url"] == f"{site}/article/far-away"
    assert parsed["author"]["url"] == f"{site}/profile/ann"

    for n in range(app.config["PAGE_SIZE"] + 1):  # two pages
        factory.article(ann, title=f"More {n}", tag_list=["x"])
    assert head(client.get("/?tag=x&page=2")).canonical == f"{site}/?tag=x&page=2"
    assert head(client.get("/profile/ann")).one("og:url") == f"{site}/profile/ann"
