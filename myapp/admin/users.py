"""People: the list and a person's page (all staff), roles, suspensions and deletion (admins).

The admin-only actions ask the services' ``require_admin`` before reading the form, so that a
moderator is refused (403) whatever they sent, not told that a field is blank; the service
checks again, as it does for every caller."""

from flask import render_template, url_for
from werkzeug.wrappers import Response

from myapp.admin import bp
from myapp.admin.views import act, actor, came_from, choice, page_number, search_text
from myapp.moderation import queries
from myapp.moderation import services as moderation
from myapp.moderation.schemas import DeleteUserSchema, RoleSchema, SuspendSchema
from myapp.users.models import ROLES


@bp.get("/users")
def users() -> str:
    filters = {
        "q": search_text(),
        "role": choice("role", ROLES),
        "state": choice("state", queries.USER_STATES),
    }
    listing = queries.users_page(actor(), page=page_number(), **filters)
    return render_template("admin/users.html", listing=listing, filters=filters, roles=ROLES)


@bp.get("/users/<username>")
def user(username: str) -> str:
    detail = queries.user_detail(actor(), username)
    return render_template("admin/user.html", detail=detail, user=detail.row, roles=ROLES)


def _user_page(username: str) -> str:
    return url_for("admin.user", username=username)


@bp.post("/users/<username>/role")
def set_role(username: str) -> Response:
    moderation.require_admin(actor())

    def change(data: dict) -> str:
        changed = moderation.set_role(actor(), username, data["role"])
        article = "an" if changed.role == "admin" else "a"
        return f"{changed.username} is now {article} {changed.role}."

    return act(RoleSchema(), change, _user_page(username))


@bp.post("/users/<username>/suspend")
def suspend(username: str) -> Response:
    moderation.require_admin(actor())

    def change(data: dict) -> str:
        changed = moderation.suspend(actor(), username, data["reason"], data["until"])
        until = changed.suspended_until
        when = f" until {until:%B} {until.day}, {until:%Y} at {until:%H:%M} UTC" if until else ""
        return f"{changed.username} is suspended{when}."

    return act(SuspendSchema(), change, _user_page(username))


@bp.post("/users/<username>/unsuspend")
def unsuspend(username: str) -> Response:
    moderation.require_admin(actor())

    def change(_: dict) -> str:
        changed = moderation.unsuspend(actor(), username)
        return f"{changed.username}'s suspension is lifted."

    return act(None, change, _user_page(username))


@bp.post("/users/<username>/delete")
def delete_user(username: str) -> Response:
    moderation.require_admin(actor())

    def change(data: dict) -> str:
        moderation.delete_user(actor(), username, data["confirm"])
        return f"{username} is deleted, with everything they wrote."

    # Their page is gone afterwards: to the list, or to the list's page the form came from.
    page = _user_page(username)
    return act(
        DeleteUserSchema(),
        change,
        url_for("admin.users"),
        refused=page,
        follow_next=not came_from(page),
    )
