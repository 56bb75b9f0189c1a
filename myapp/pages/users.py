"""The signed-in user's settings, email switches included; exporting and deleting the account."""

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from myapp import limits
from myapp.errors import Conflict, Invalid
from myapp.forms import Errors, load_form
from myapp.pages import bp
from myapp.users import services as users
from myapp.users.export import export_data, export_filename
from myapp.users.models import NOTIFICATION_KINDS
from myapp.users.schemas import AccountDeleteSchema, UserUpdateSchema

FIELDS = ("image", "username", "bio", "email")
# The email switches, by the preference each turns on or off.
SWITCHES = {
    "comments": "Comments on my articles",
    "followers": "New followers",
    "articles": "New articles from people I follow",
}


def settings_form(form: Any) -> dict[str, Any]:
    """The settings in the API's shape. An unticked box sends nothing, so the form also sends a
    hidden ``notifications`` field: with it, every switch is on if ticked and off if not."""
    data = form.to_dict()
    data.pop("notify", None)
    if data.pop("notifications", None) is not None:
        ticked = form.getlist("notify")
        data["notifications"] = {kind: kind in ticked for kind in NOTIFICATION_KINDS}
    return data


def render_settings(
    form: dict[str, Any],
    notifications: dict[str, bool],
    errors: Any,
    delete_errors: Errors | None = None,
) -> str:
    return render_template(
        "pages/settings.html",
        form=form,
        errors=errors,
        switches=SWITCHES,
        notifications=notifications,
        delete_errors=delete_errors or {},
    )


def saved_settings() -> dict[str, Any]:
    return {field: getattr(current_user, field) or "" for field in FIELDS}


@bp.route("/settings", methods=["GET", "POST"])
@limits.password_change
@login_required
def settings() -> Any:
    if request.method == "GET":
        return render_settings(saved_settings(), current_user.notifications, {})
    submitted = settings_form(request.form)
    changes, errors = load_form(UserUpdateSchema(), submitted)
    if changes is not None:
        try:
            # The user object itself, not Flask-Login's proxy, for login_user below.
            # _get_current_object is Werkzeug's documented LocalProxy API despite its name.
            user = users.update_user(current_user._get_current_object(), changes)
        except (Conflict, Invalid) as error:
            errors = error.messages
        else:
            if "password" in changes:
                # The new password signed out every other session; keep this one.
                login_user(user)
            flash("Your settings are saved.", "success")
            return redirect(url_for("pages.profile", username=user.username))
    form = {field: request.form.get(field, "") for field in FIELDS}
    notifications = submitted.get("notifications", current_user.notifications)
    return render_settings(form, notifications, errors), 422


@bp.get("/settings/export")
@login_required
def export() -> Response:
    """Your data as a JSON file: the same document as ``GET /api/user/export``."""
    response = current_app.response_class(
        current_app.json.dumps(export_data(current_user)), mimetype="application/json"
    )
    filename = export_filename(current_user)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/settings/delete", methods=["GET", "POST"])
@limits.password_change
@login_required
def delete_account() -> Any:
    """Delete your account, confirmed by your password; the form is on the settings page."""
    if request.method == "GET":
        return redirect(url_for("pages.settings", _anchor="delete-account"))
    confirmation, errors = load_form(AccountDeleteSchema(), request.form.to_dict())
    if confirmation is not None:
        try:
            users.delete_account(current_user._get_current_object(), confirmation["password"])
        except Invalid as error:
            errors = error.messages
        else:
            logout_user()
            session.clear()
            flash("Your account is deleted.", "info")
            return redirect(url_for("pages.home"))
    return render_settings(saved_settings(), current_user.notifications, {}, errors), 422
