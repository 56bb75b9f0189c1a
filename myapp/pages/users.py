"""The signed-in user's settings."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from myapp import limits
from myapp.errors import Conflict, Invalid
from myapp.forms import load_form
from myapp.pages import bp
from myapp.users import services as users
from myapp.users.schemas import UserUpdateSchema

FIELDS = ("image", "username", "bio", "email")


@bp.route("/settings", methods=["GET", "POST"])
@limits.password_change
@login_required
def settings() -> Any:
    if request.method == "GET":
        form = {field: getattr(current_user, field) or "" for field in FIELDS}
        return render_template("pages/settings.html", form=form, errors={})
    changes, errors = load_form(UserUpdateSchema(), request.form)
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
    return render_template("pages/settings.html", form=form, errors=errors), 422
