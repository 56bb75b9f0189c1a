"""The admin blueprint at /admin/: the staff's pages over the moderation services.

Our own blueprint rather than Flask-Admin: every write must go through the same services as the
API and the pages (their permission checks, the audit log, invalidation on commit), and every
page must work under our CSP with no inline script; our templates and CSS already do both, and
Flask-Admin's model views would have to be overridden one by one to route writes through
services. For anyone but staff every URL here is a 404: the area does not exist for them.
"""

from flask import Blueprint, abort, request
from flask_login import current_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


# On every request, not only the blueprint's: a wrong method (405) or a missing slash (308)
# never reaches the blueprint, and would tell a stranger that the URL exists.
@bp.before_app_request
def staff_only() -> None:
    if request.path != "/admin" and not request.path.startswith("/admin/"):
        return
    if not (current_user.is_authenticated and current_user.is_staff):
        abort(404)


from myapp.admin import articles, audit, comments, reports, tags, users, views  # noqa: E402,F401,I001  (registers the routes)
