"""Unsubscribing from a kind of email by the signed link every such email carries."""

from flask import abort, render_template, request

from myapp.extensions import csrf
from myapp.notifications import messages
from myapp.notifications import services as notifications
from myapp.pages import bp

# What each kind of email is about, as the unsubscribe pages name it.
ABOUT = {
    "comments": "comments on your articles",
    "followers": "new followers",
    "articles": "new articles from people you follow",
}
BAD_LINK = (
    "This unsubscribe link is not valid: check that you opened the whole link from the email. "
    "You can also turn emails off in your settings."
)


# No CSRF token: the signed token in the link is what allows this, and a mail client's
# one-click unsubscribe (RFC 8058) posts "List-Unsubscribe=One-Click" with no session at all.
@csrf.exempt
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> str:
    """GET asks (and changes nothing: mail scanners follow links); POST turns the kind off."""
    if request.method == "GET":
        read = messages.read_unsubscribe_token(token)
        preference = read[1] if read else None
    else:
        preference = notifications.unsubscribe(token)
    if preference is None:
        abort(404, BAD_LINK)
    done = request.method == "POST"
    return render_template("pages/unsubscribe.html", about=ABOUT[preference], done=done)
