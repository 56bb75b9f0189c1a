"""Article bodies are rendered once, when written, within bounds; reads never render.

The corpus holds the shapes that make Markdown parsers slow: deep and many brackets, emphasis
runs, nested lists and blockquotes, huge tables, long link references. Each write either answers
within a second (the bound the security review asked for) or is refused with a clear 422.
"""

import time

import pytest

from myapp.articles import markdown

LIMIT = 100_000
CORPUS = {
    "image brackets (the review's)": "![" * 49990 + "x<i>",
    "open brackets": "[" * 99_000,
    "bracket then text": "[a" * 49_000,
    "nested links": "[" * 30_000 + "a" + "](b)" * 10_000,
    "brackets at the limit": "![" * 2_500 + "x" * 90_000,
    "star emphasis": "*a" * 49_000,
    "underscore emphasis": "_a" * 49_000,
    "emphasis at the limit": "*a" * 10_000 + "_a" * 10_000 + "b" * 50_000,
    "strikethrough": "~~a" * 33_000,
    "nested lists": "".join("  " * i + "- a\n" for i in range(300)),
    "deep list markers": "- " * 49_000 + "a",
    "nested blockquotes": "> " * 49_000 + "a",
    "narrow huge table": "a|b\n-|-\n" + "a|b\n" * 24_000,
    "wide huge table": ("|" + "a|" * 300 + "\n") + "|" + "-|" * 300 + "\n"
    + ("|" + "a|" * 300 + "\n") * 150,
    "table at the limit": "|a|b|c|d|\n|-|-|-|-|\n" + "|a|b|c|d|\n" * 1_995,
    "link references": "".join(f"[l{i}]: http://x.example/{i}\n" for i in range(2_400))
    + "".join(f"[l{i}]" for i in range(2_400)),
    "long reference labels": "[" + "a" * 998 + "]: /u\n" + ("[" + "a" * 998 + "]") * 90,
    "backtick runs": "`a" * 49_000,
    "angle brackets": "<" * 99_000,
    "autolinks": "<http://a" * 11_000,
    "entities": "&amp;" * 19_000,
    "code fences": "```\n" * 24_000,
    "headings": "#" * 99_000,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_write_answers_within_a_second_or_is_refused(client, factory, name):
    account = factory.user()
    body = CORPUS[name][:LIMIT]
    article = {"title": name, "description": "pathological", "body": body}
    started = time.perf_counter()
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    elapsed = time.perf_counter() - started
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:200]
    if response.status_code == 422:
        [message] = response.json["errors"]["body"]
        assert "at most" in message
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s"


def test_the_reviewed_body_is_refused_with_a_clear_message(client, factory):
    account = factory.user()
    article = {"title": "t", "description": "d", "body": "![" * 49990 + "x<i>"}
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    assert response.status_code == 422
    assert response.json == {
        "errors": {"body": ["has too many links or brackets '[': at most 5,000 are allowed"]}
    }


def test_updates_are_bounded_too(client, factory):
    account = factory.user()
    slug = factory.article(account)
    response = client.put(
        f"/api/articles/{slug}",
        json={"article": {"body": "*a" * 30_000}},
        headers=account.headers,
    )
    assert response.status_code == 422
    assert "emphasis" in response.json["errors"]["body"][0]


def test_reads_never_render(client, factory, monkeypatch):
    account = factory.user()
    slug = factory.article(account, body="Some **bold** text")

    def no_rendering(*args, **kwargs):
        raise AssertionError("a read rendered Markdown")

    monkeypatch.setattr(markdown._parser, "render", no_rendering)
    page = client.get(f"/article/{slug}")
    assert page.status_code == 200
    assert "<strong>bold</strong>" in page.get_data(as_text=True)
    assert client.get(f"/api/articles/{slug}").json["article"]["body"] == "Some **bold** text"


def test_the_stored_html_follows_edits(client, factory):
    account = factory.user()
    slug = factory.article(account, body="*first*")
    client.put(
        f"/api/articles/{slug}", json={"article": {"body": "**second**"}}, headers=account.headers
    )
    page = client.get(f"/article/{slug}").get_data(as_text=True)
    assert "<strong>second</strong>" in page and "<em>first</em>" not in page


def test_comments_and_bios_are_text_never_markup(client, factory):
    """Comments and bios are shown as escaped text (no Markdown): nothing to render, nothing to
    inject."""
    author = factory.user("author", bio="**not bold** <script>x</script>")
    slug = factory.article(author)
    factory.comment(author, slug, "*not em* <img src=x onerror=alert(1)>")
    article = client.get(f"/article/{slug}").get_data(as_text=True)
    assert "*not em* &lt;img src=x onerror=alert(1)&gt;" in article
    profile = client.get("/profile/author").get_data(as_text=True)
    assert "**not bold** &lt;script&gt;x&lt;/script&gt;" in profile
