"""What the emails look like: multipart text and HTML, a stable Message-ID, one-click
unsubscribe, and nothing a user wrote able to inject HTML or a header."""

import email
import email.policy
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

from sqlalchemy import select

from myapp.articles.models import Article, Comment
from myapp.extensions import db
from myapp.notifications import mail, messages, services
from myapp.notifications.models import Notification
from myapp.users.models import User
from tests.factories import Factory

SCRIPT = "<script>alert('hi')</script> & <b>bold</b>"


def only(kind: str, recipient_id: int) -> Notification:
    [row] = db.session.scalars(select(Notification).filter_by(kind=kind, recipient_id=recipient_id))
    return row


def test_a_comment_email_is_text_and_html_with_one_click_unsubscribe(mail_app, mail_ctx, mailbox):
    factory = Factory(mail_app)
    author, reader = factory.user(), factory.user()
    factory.comment(reader, factory.article(author, title="On <i>tags</i>"), SCRIPT)
    row = only("comment", author.id)
    assert services.deliver(row.id).status == "sent"

    [message] = mailbox.received
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert message["Message-ID"] == messages.message_id([row.id])
    assert message["To"] == f"{author.username} <{author.email}>"
    assert message["Subject"] == f"{reader.username} commented on \u201cOn <i>tags</i>\u201d"

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert SCRIPT in text  # plain text shows what was written
    assert "<script>" not in html and "<i>tags</i>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html

    # RFC 8058: a signed link that turns off exactly this kind of email, for this recipient.
    link = message["List-Unsubscribe"]
    assert link.startswith("<") and link.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = urlsplit(link[1:-1]).path.rsplit("/", 1)[1]
    assert messages.read_unsubscribe_token(token) == (author.id, "comments")
    assert link[1:-1] in text and link[1:-1] in html


def test_headers_and_links_stay_readable_to_mail_programs(mail_app, mail_ctx):
    """A long List-Unsubscribe stays a plain <URL> on the wire (folding would turn it into
    encoded words), and the reply link goes to the comment's anchor."""
    factory = Factory(mail_app)
    author, reader = factory.user("a" * 40), factory.user()
    comment_id = factory.comment(reader, factory.article(author))
    row = only("comment", author.id)
    recipient = db.session.get(User, author.id)
    article, comment = db.session.get(Article, row.article_id), db.session.get(Comment, comment_id)
    actor = db.session.get(User, reader.id)
    built = messages.build("comment", recipient, [row.id], actor=actor, article=article,
                           comment=comment)  # fmt: skip
    raw = bytes(built)
    assert re.search(rb"\r\nList-Unsubscribe: <http://[^>\r\n]+/unsubscribe/[^>\r\n]+>\r\n", raw)
    assert b"=?utf-8?" not in raw.split(b"\r\nList-Unsubscribe:", 1)[1].split(b"\r\n", 1)[0]
    text = built.get_body(("plain",)).get_content()
    assert f"/article/{article.slug}#comment-{comment_id}" in text


def test_the_message_id_is_the_same_for_every_attempt(mail_app, mail_ctx):
    first = messages.message_id([41])
    assert messages.message_id([41]) == first
    assert messages.message_id([42]) != first
    assert messages.message_id([41, 42]) not in (first, messages.message_id([42]))


def test_a_password_reset_email_has_no_unsubscribe(mail_app, mail_ctx, mailbox):
    factory = Factory(mail_app)
    user = factory.user()
    response = mail_app.test_client().post(
        "/api/users/password-reset", json={"user": {"email": user.email}}
    )
    response.close()
    assert response.status_code == 202
    assert services.deliver(only("password_reset", user.id).id).status == "sent"
    [message] = mailbox.received
    assert message["List-Unsubscribe"] is None
    assert message["Subject"] == "Reset your Conduit password"
    assert message.get_content_type() == "multipart/alternative"


def test_nothing_a_user_wrote_can_inject_a_header(mail_app, mail_ctx, mailbox):
    evil = "Hello\r\nBcc: victim@example.com\r\nX-Evil: 1"
    recipient = SimpleNamespace(id=1, username="bob\r\nCc: other@example.com",
                                email="bob@example.com")  # fmt: skip
    actor = SimpleNamespace(id=2, username="eve\nBcc: x@example.com")
    article = SimpleNamespace(id=3, slug="hello", title=evil)
    comment = SimpleNamespace(id=4, body=evil)
    message = messages.build("comment", recipient, [99], actor=actor, article=article,
                             comment=comment)  # fmt: skip
    mail.send(message)

    [received] = mailbox.received
    for parsed in (received, email.message_from_bytes(bytes(message), policy=email.policy.default)):
        assert parsed["Bcc"] is None and parsed["Cc"] is None and parsed["X-Evil"] is None
        assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
        assert "Bcc: victim@example.com" in parsed["Subject"]  # shown as text, harmlessly
        assert parsed["To"].addresses[0].addr_spec == "bob@example.com"
