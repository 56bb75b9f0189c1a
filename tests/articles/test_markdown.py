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
    # Pygments' lexers are slow on some shapes (super-linear): each block at the size limit.
    "highlighted c# lines": ("```csharp\n" + "a\n" * 495 + "```\n") * 99,
    "highlighted typescript dots": ("```ts\n" + "a." * 495 + "\n```\n") * 99,
    "highlighted ocaml zeros": ("```ocaml\n" + "0" * 990 + "\n```\n") * 99,
    "highlighted ini equals": ("```ini\n" + "=" * 990 + "\n```\n") * 99,
    "highlighted huge block": "```python\n" + "x = 1\n" * 16_000 + "```\n",
    "highlighted many blocks": "```python\nx\n```\n" * 6_000,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_write_is_bounded_or_refused(client, factory, name):
    """Each shape is saved or refused with a reason, and never runs away. The bound is this
    process's CPU time, which other work on the machine does not inflate, and it is a guard
    against super-linear blow-ups (minutes, for some lexers and parsers), not a speed target:
    the speed of the worst accepted body is a row of ``make bench``."""
    account = factory.user()
    body = CORPUS[name][:LIMIT]
    article = {"title": name, "description": "pathological", "body": body}
    started = time.process_time()
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    elapsed = time.process_time() - started
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:200]
    if response.status_code == 422:
        [message] = response.json["errors"]["body"]
        assert "at most" in message
    assert elapsed < 3.0, f"{name}: {elapsed:.2f} s of CPU"


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


# --- code highlighting, focusable code blocks and table scrollers ----------------------------


def test_fenced_code_in_a_known_language_is_highlighted():
    html = markdown.render_markdown('```py\ndef greet(name):\n    return "hi " + name\n```')
    assert html.startswith('<pre tabindex="0"><code class="language-python">')
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">greet</span>' in html
    assert '<span class="s2">&quot;hi &quot;</span>' in html or '<span class="s2">"hi "' in html


def test_unknown_or_missing_languages_are_plain_escaped_code():
    for fence in ("```", "```klingon", "```Text"):
        html = markdown.render_markdown(f"{fence}\nif a < b: <b>x</b>\n```")
        assert html == '<pre tabindex="0"><code>if a &lt; b: &lt;b&gt;x&lt;/b&gt;\n</code></pre>\n'


@pytest.mark.parametrize(
    "info",
    [
        '"><script>alert(1)</script>',
        "language-x onload=alert(1)",
        'python" onmouseover="alert(1)',
        "python><img src=x onerror=alert(1)>",
        "` onload=alert(1)",
    ],
)
def test_hostile_languages_make_no_markup(info):
    html = markdown.render_markdown(f"~~~{info}\nx = 1\n~~~")
    assert "<script" not in html and "<img" not in html
    assert "onload" not in html and "onerror" not in html and "onmouseover" not in html
    assert html.startswith('<pre tabindex="0"><code>')  # no class of the writer's making


SCROLLER = '<div class="table-scroll" role="region" aria-label="Table" tabindex="0">'


def test_the_sanitizer_keeps_only_the_classes_the_renderer_makes():
    """The last line of defence, should markup ever reach nh3 some other way."""
    dirty = (
        '<pre class="x" tabindex="-1" onclick="alert(1)"><code class="language-python evil">'
        '<span class="k nav-link" style="color:red" id="x">def</span></code></pre>'
        '<div class="alert" role="alert" tabindex="5" aria-label="Click me"><table></table></div>'
        f"{SCROLLER}<table></table></div>"
        '<td class="text-align-left bad">1</td><p class="lead">p</p>'
    )
    clean = markdown._cleaner.clean(dirty)
    assert '<pre tabindex="0"><code class="language-python"><span class="k">def</span>' in clean
    # A div of someone else's making keeps none of its attributes (an empty class is harmless).
    assert '<div class=""><table></table></div>' + SCROLLER + "<table></table></div>" in clean
    for gone in ("evil", "nav-link", "style", "onclick", "alert", "-1", "Click me", "bad", "lead"):
        assert gone not in clean


def test_every_code_block_is_focusable_so_a_keyboard_can_scroll_it():
    html = markdown.render_markdown("    indented code\n\n```\nfenced\n```\n\n> ```js\n> x\n> ```")
    assert html.count('<pre tabindex="0">') == 3
    assert html.count("<pre") == 3


def test_tables_scroll_sideways_in_a_focusable_region():
    html = markdown.render_markdown("|a|b|\n|:-|-:|\n|1|2|\n\n- |c|\n  |-|\n  |3|")
    assert html.count(SCROLLER + "<table>") == 2
    assert html.count("</table>\n</div>") == 2
    assert '<th class="text-align-left">a</th>' in html
    assert '<td class="text-align-right">2</td>' in html


def test_blocks_past_the_budget_are_plain(monkeypatch):
    monkeypatch.setattr(markdown, "HIGHLIGHT_SECONDS", 60)  # the characters run out first
    big = "x = 1\n" * (markdown.MAX_BLOCK // 6 + 1)
    assert "<span" not in markdown.render_markdown(f"```python\n{big}```")
    small = "```python\nx = 1\n```\n"
    blocks = markdown.MAX_HIGHLIGHTED // len("x = 1\n") + 5
    html = markdown.render_markdown(small * blocks)
    assert html.count('class="language-python"') == markdown.MAX_HIGHLIGHTED // len("x = 1\n")
    assert html.count("<pre") == blocks


def test_a_highlighted_article_page_shows_coloured_tokens(client, factory):
    account = factory.user()
    slug = factory.article(account, body="```python\nimport this\n```")
    page = client.get(f"/article/{slug}").get_data(as_text=True)
    assert '<span class="kn">import</span>' in page


def test_highlighting_stops_when_its_time_is_spent(monkeypatch):
    monkeypatch.setattr(markdown, "HIGHLIGHT_SECONDS", 0)
    html = markdown.render_markdown("```python\nx = 1\n```")
    assert html == '<pre tabindex="0"><code>x = 1\n</code></pre>\n'
