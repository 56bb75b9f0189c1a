"""Sign in, sign up, sign out and password reset pages, on Flask-Login sessions."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from myapp import limits
from myapp.auth import bp
from myapp.errors import AccountSuspended, Conflict, Invalid, InvalidCredentials
from myapp.forms import is_local_path, load_form
from myapp.users import services as users
from myapp.users.models import User
from myapp.users.schemas import (
    LoginSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
    RegisterSchema,
)
from myapp.users.tokens import read_password_reset_token


def sign_in(user: User, remember: bool) -> None:
    """Start a fresh session; "remember me" makes it outlive the browser."""
    session.clear()
    login_user(user)
    session.permanent = remember


def next_page() -> str:
    target = request.values.get("next")
    return target if is_local_path(target) else url_for("pages.home")


WRONG_CREDENTIALS = (
    "That email and password don't match an account. Check them and try again, or reset "
    "your password."
)


@bp.route("/login", methods=["GET", "POST"])
@limits.sign_in
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(next_page())
    form, errors, status = request.form, {}, 200
    if request.method == "POST":
        data, errors = load_form(LoginSchema(), form)
        if data is not None:
            try:
                user = users.authenticate(data["email"], data["password"])
            except InvalidCredentials:
                errors = {"form": [WRONG_CREDENTIALS]}
            except AccountSuspended as error:
                errors, status = {"form": [f"Your account {error.explanation()}"]}, 403
            else:
                sign_in(user, remember=bool(form.get("remember")))
                flash(f"Welcome back, {user.username}.", "success")
                return redirect(next_page())
    if errors and status == 200:
        status = 422
    return render_template("auth/login.html", form=form, errors=errors), status


@bp.route("/register", methods=["GET", "POST"])
@limits.sign_up
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form, errors = request.form, {}
    if request.method == "POST":
        data, errors = load_form(RegisterSchema(), form)
        if data is not None:
            try:
                user = users.register(**data)
            except Conflict as error:
                errors = error.messages
            else:
                sign_in(user, remember=False)
                flash(f"Welcome to Conduit, {user.username}!", "success")
                return redirect(url_for("pages.home"))
    status = 422 if errors else 200
    return render_template("auth/register.html", form=form, errors=errors), status


@bp.get("/logout")
def logout_page() -> str | Response:
    """A link to /logout (a bookmark, an old front end) gets a page with the sign-out button:
    signing out is a POST, so that no image or prefetch on another site can do it."""
    if not current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    return render_template("auth/logout.html")


@bp.post("/logout")
def logout() -> Response:
    """Sign out: the session is revoked on the server, so a copy of its cookie is worthless."""
    if current_user.is_authenticated:
        users.sign_out(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("pages.home"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere() -> Response:
    users.sign_out_everywhere(current_user)
    logout_user()
    session.clear()
    flash("You have signed out on every device, and every API token is revoked.", "info")
    return redirect(url_for("pages.home"))


# --- forgotten passwords -------------------------------------------------------------------------
# Asking for a link answers the same whether or not an account has the email, so the form tells
# nobody which emails have accounts. The link signs its owner in with a new password, once.

RESET_SENT = (
    "If an account has that email, we sent a link to reset the password. It works for 1 hour."
)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limits.password_reset
def forgot_password() -> str | Response:
    form, errors = request.form, {}
    if request.method == "POST":
        data, errors = load_form(PasswordResetRequestSchema(), form)
        if data is not None:
            users.request_password_reset(data["email"])
            flash(RESET_SENT, "info")
            return redirect(url_for("auth.login"))
    status = 422 if errors else 200
    return render_template("auth/forgot_password.html", form=form, errors=errors), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limits.password_reset_confirm
def reset_password(token: str) -> str | Response:
    errors: dict[str, list[str]] = {}
    if request.method == "GET":
        if read_password_reset_token(token) is None:  # expired, or not ours: say so at once
            errors = {"token": ["is invalid or has expired: ask for a new link"]}
    else:
        data, errors = load_form(PasswordResetSchema(), {**request.form.to_dict(), "token": token})
        if data is not None:
            try:
                user = users.reset_password(data["token"], data["password"])
            except Invalid as error:
                errors = error.messages
            else:
                sign_in(user, remember=False)
                flash(
                    "Your password is changed, and you are signed in. Every other session "
                    "and API token has ended.",
                    "success",
                )
                return redirect(url_for("pages.home"))
    status = 422 if errors else 200
    return render_template("auth/reset_password.html", errors=errors), status
