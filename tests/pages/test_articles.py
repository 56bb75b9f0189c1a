"""Home and its feeds, the article page, the editor, favorites and deletion."""

import re

import pytest

from tests.pages.conftest import text


def titles(response) -> list[str]:
    return re.findall(r'<a class="preview-link"[^>]*>\s*<h2>(.*?)</h2>', text(response))


class TestHome:
    def test_global_feed_newest_first_with_popular_tags(self, pages, factory):
        author = factory.user()
        factory.article(author, title="Older", tag_list=["python"])
        factory.article(author, title="Newer", tag_list=["python", "flask"])
        response = pages.get("/")
        assert response.status_code == 200
        assert "<title>Home — Conduit</title>" in text(response)
        assert titles(response) == ["Newer", "Older"]
        sidebar = text(response).split('aria-labelledby="popular-tags"')[1]
        assert sidebar.index(">python<") < sidebar.index(">flask<")  # most used first

    def test_tag_tab(self, pages, factory):
        author = factory.user()
        factory.article(author, title="Tagged", tag_list=["dragons"])
        factory.article(author, title="Untagged")
        response = pages.get("/?tag=dragons")
        assert titles(response) == ["Tagged"]
        assert "# dragons" in text(response)
        assert "<title>#dragons — Conduit</title>" in text(response)

    def test_your_feed_only_when_signed_in(self, pages, factory):
        reader, followed, other = factory.user(), factory.user(), factory.user()
        factory.article(followed, title="From followed")
        factory.article(other, title="From other")
        factory.follow(reader, followed)
        assert "Your Feed" not in text(pages.get("/"))
        assert titles(pages.get("/?tab=yours")) == ["From other", "From followed"]  # global
        pages.login(reader)
        assert titles(pages.get("/?tab=yours")) == ["From followed"]

    def test_empty_feed_says_so(self, pages, factory):
        pages.login(factory.user())
        assert "Nothing in your feed yet" in text(pages.get("/?tab=yours"))

    def test_pagination(self, app, pages, factory):
        author = factory.user()
        size = app.config["PAGE_SIZE"]
        for n in range(size + 3):
            factory.article(author, title=f"Article number {n}")
        first, second = pages.get("/"), pages.get("/?page=2")
        assert len(titles(first)) == size
        assert titles(second) == ["Article number 2", "Article number 1", "Article number 0"]
        assert 'href="/?page=2"' in text(first)
        assert 'aria-current="page" class="current">2<' in text(second)
        assert pages.get("/?page=abc").status_code == 200

    def test_a_page_past_the_end_is_a_404_that_links_to_the_last(self, app, pages, factory):
        author = factory.user()
        for n in range(app.config["PAGE_SIZE"] + 1):
            factory.article(author, title=f"Article number {n}", tag_list=["python"])
        past = pages.get("/?tag=python&page=999")
        assert past.status_code == 404
        assert "There is no page 999 here: this list has 2 pages." in text(past)
        assert 'href="/?page=2&amp;tag=python">Go to page 2</a>' in text(past)
        assert pages.get("/?tag=python&page=2").status_code == 200
        # An empty list has its first page, which says it is empty, and no other.
        assert pages.get("/?tag=nothing").status_code == 200
        empty = pages.get("/?tag=nothing&page=2")
        assert empty.status_code == 404
        assert 'href="/?tag=nothing">Go to the first page</a>' in text(empty)

    @pytest.mark.parametrize(
        "query", ["endpoint=x", "_method=POST", "_external=1&_scheme=javascript", "_anchor=x"]
    )
    def test_page_links_carry_only_known_parameters(self, app, pages, factory, query):
        # The links once copied request.args into url_for: these keys made a 500 or forged links.
        author = factory.user("writer")
        for _ in range(app.config["PAGE_SIZE"] + 1):
            factory.article(author, tag_list=["t"])
        response = pages.get(f"/?tag=t&{query}")
        assert response.status_code == 200
        links = re.findall(r'<nav class="pagination".*?</nav>', text(response), re.S)[0]
        one, two = "/?page=1&amp;tag=t", "/?page=2&amp;tag=t"
        assert re.findall(r'href="([^"]*)"', links) == [one, two, two]  # 1, 2, Older


class TestArticlePage:
    def test_renders_markdown_tags_and_comments(self, pages, factory):
        author = factory.user("writer")
        slug = factory.article(
            author, title="Dragons", body="# Training\n\nBe **patient**.", tag_list=["b", "a"]
        )
        factory.comment(author, slug, "First!")
        response = pages.get(f"/article/{slug}")
        body = text(response)
        assert response.status_code == 200
        assert "<title>Dragons — Conduit</title>" in body
        assert "<h1>Training</h1>" in body and "<strong>patient</strong>" in body
        assert body.index(">a</a>") < body.index(">b</a>")
        assert "First!" in body
        assert "Sign in</a> or" in body  # anonymous: no comment form

    def test_unknown_article_is_a_styled_404(self, pages):
        response = pages.get("/article/nothing-here")
        assert response.status_code == 404
        assert "<title>Page not found — Conduit</title>" in text(response)

    def test_author_sees_edit_and_delete_others_see_follow_and_favorite(self, pages, factory):
        author, reader = factory.user("writer"), factory.user("reader")
        slug = factory.article(author)
        pages.login(reader)
        body = text(pages.get(f"/article/{slug}"))
        assert "Favorite Article" in body and "Follow writer" in body
        assert "Edit Article" not in body
        pages.post("/logout")
        pages.login(author)
        body = text(pages.get(f"/article/{slug}"))
        assert "Edit Article" in body and "Delete Article" in body
        assert "Favorite Article" not in body


class TestSafety:
    def test_markdown_is_sanitized(self, pages, factory):
        evil = (
            "<script>alert(1)</script>\n\n"
            '<img src="x" onerror="alert(2)">\n\n'
            "[click](javascript:alert(3)) [site](https://example.com)\n\n"
            '<a href="https://example.com" onclick="alert(4)">raw</a>'
        )
        slug = factory.article(factory.user(), body=evil)
        body = text(pages.get(f"/article/{slug}")).split('class="article-body"')[1]
        body = body.split("</div>")[0]
        assert "<script" not in body
        assert not re.search(r"<[^>]*\son\w+\s*=", body)  # no event-handler attribute in a tag
        assert 'href="javascript' not in body
        assert '<a href="https://example.com" rel="nofollow noopener">site</a>' in body

    def test_titles_bios_and_comments_are_escaped(self, pages, factory):
        author = factory.user("writer", bio="<b>bold</b> bio")
        slug = factory.article(author, title="<script>alert('t')</script>", description="<i>d</i>")
        factory.comment(author, slug, "<img src=x onerror=alert(1)>")
        for url in ("/", f"/article/{slug}", "/profile/writer"):
            body = text(pages.get(url))
            assert "<script>alert" not in body
            assert "<img src=x" not in body
            assert "<b>bold</b>" not in body and "<i>d</i>" not in body


class TestEditor:
    def test_requires_sign_in(self, pages):
        assert pages.get("/editor").location == "/login?next=/editor"

    def test_publishes_with_tags_typed_in_one_field(self, pages, factory):
        pages.login(factory.user())
        data = {"title": "My title", "description": "About", "body": "Text", "tags": "b, a  a,c"}
        response = pages.post("/editor", data)
        assert response.status_code == 302
        assert response.location == "/article/my-title"
        article = pages.get("/api/articles/my-title").json["article"]
        assert article["tagList"] == ["a", "b", "c"]
        assert "Your article is published." in text(pages.get("/article/my-title"))

    def test_invalid_input_is_reshown_with_messages(self, pages, factory):
        pages.login(factory.user())
        data = {"title": "", "description": "Kept", "body": "Kept body", "tags": "x" * 41}
        response = pages.post("/editor", data)
        assert response.status_code == 422
        body = text(response)
        assert "Title can&#39;t be blank" in body
        assert "Tags is too long (maximum is 40 characters)" in body
        assert 'value="Kept"' in body and "Kept body</textarea>" in body
        assert pages.get("/api/articles").json["articlesCount"] == 0

    def test_edit_prefills_and_updates(self, pages, factory):
        author = factory.user()
        slug = factory.article(author, title="Old title", tag_list=["one", "two"])
        pages.login(author)
        form = text(pages.get(f"/editor/{slug}"))
        assert 'value="Old title"' in form and 'value="one two"' in form
        data = {"title": "New title", "description": "D", "body": "B", "tags": "three"}
        response = pages.post(f"/editor/{slug}", data)
        assert response.location == "/article/new-title"
        assert pages.get("/api/articles/new-title").json["article"]["tagList"] == ["three"]

    def test_only_the_author_may_edit(self, pages, factory):
        slug = factory.article(factory.user())
        pages.login(factory.user())
        assert pages.get(f"/editor/{slug}").status_code == 403
        data = {"title": "Hijacked", "description": "D", "body": "B"}
        response = pages.post(f"/editor/{slug}", data)
        assert response.status_code == 403
        assert "<title>Not allowed — Conduit</title>" in text(response)
        assert pages.get(f"/api/articles/{slug}").json["article"]["title"] != "Hijacked"


class TestActions:
    def test_favorite_and_unfavorite_return_to_the_page(self, pages, factory):
        slug = factory.article(factory.user())
        pages.login(factory.user())
        response = pages.post(f"/article/{slug}/favorite", {"next": "/?page=1"})
        assert response.location == "/?page=1"
        assert pages.get(f"/api/articles/{slug}").json["article"]["favoritesCount"] == 1
        response = pages.post(f"/article/{slug}/unfavorite")
        assert response.location == f"/article/{slug}"
        assert pages.get(f"/api/articles/{slug}").json["article"]["favoritesCount"] == 0

    def test_favorite_signed_out_goes_to_sign_in_then_back(self, pages, factory):
        slug = factory.article(factory.user())
        response = pages.post(f"/article/{slug}/favorite", {"next": f"/article/{slug}"})
        assert response.location == f"/login?next=/article/{slug}"

    def test_delete_asks_first_then_deletes(self, pages, factory):
        author = factory.user()
        slug = factory.article(author, title="Going away", description="Soon gone")
        pages.login(author)
        asked = pages.post(f"/article/{slug}/delete")  # the first step: what a click sends
        assert asked.status_code == 200
        page = text(asked)
        assert "Delete “Going away” for good?" in page and "Soon gone" in page
        assert f'action="/article/{slug}/delete"' in page
        assert '<input type="hidden" name="confirm" value="yes">' in page
        assert f'href="/article/{slug}">Cancel</a>' in page
        assert pages.get(f"/article/{slug}").status_code == 200  # nothing deleted yet
        response = pages.post(f"/article/{slug}/delete", {"confirm": "yes"})
        assert response.location == "/"
        assert pages.get(f"/article/{slug}").status_code == 404

    @pytest.mark.parametrize("confirm", [None, "yes"])
    def test_delete_by_another_is_refused(self, pages, factory, confirm):
        slug = factory.article(factory.user())
        pages.login(factory.user())
        data = {"confirm": confirm} if confirm else {}
        assert pages.post(f"/article/{slug}/delete", data).status_code == 403
        assert pages.get(f"/article/{slug}").status_code == 200
