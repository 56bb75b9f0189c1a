"""Sign up, sign in, and the signed-in user's own account."""

from typing import Any

from flask import Response
from flask_login import current_user

from myapp import limits
from myapp.api import bp, json_response, token_required
from myapp.api.schemas import (
    AccountDeleteBody,
    LoginBody,
    MessageBody,
    PasswordResetBody,
    PasswordResetRequestBody,
    RegisterBody,
    UserBody,
    UserUpdateBody,
    user_body,
)
from myapp.authentication import token_for
from myapp.users import services as users
from myapp.users.export import export_data, export_filename
from myapp.users.schemas import ExportSchema
from myapp.users.tokens import issue_token

TAGS = ["User and Authentication"]


@bp.post("/users")
@limits.sign_up
@bp.arguments(RegisterBody())
@bp.response(201, UserBody)
@bp.doc(tags=TAGS)
def register(body: dict[str, Any]) -> Response:
    """Register a new user"""
    user = users.register(**body["user"])
    return json_response(user_body(user, issue_token(user)), 201)


@bp.post("/users/login")
@limits.sign_in
@bp.arguments(LoginBody())
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def login(body: dict[str, Any]) -> Response:
    """Sign in with email and password"""
    user = users.authenticate(**body["user"])
    return json_response(user_body(user, issue_token(user)))


@bp.get("/user")
@token_required
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def current() -> Response:
    """The signed-in user, with the token presented (its lifetime is never extended)"""
    return json_response(user_body(current_user, token_for(current_user)))


@bp.put("/user")
@limits.password_change
@token_required
@bp.arguments(UserUpdateBody())
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def update(body: dict[str, Any]) -> Response:
    """Update the signed-in user. A new email or password needs `currentPassword`; a new
    password revokes every older token, and the response carries a fresh one"""
    user = users.update_user(current_user, body["user"])
    return json_response(user_body(user, token_for(user)))


@bp.delete("/user")
@limits.password_change
@token_required
@bp.arguments(AccountDeleteBody())
@bp.response(204)
@bp.doc(tags=TAGS)
def delete(body: dict[str, Any]) -> Response:
    """Delete the signed-in user's account, confirmed by their password, with everything it
    holds: profile, articles (with their comments), comments, favorites, follows,
    notifications and the reports they filed. Every token of it stops working. The last admin
    cannot delete their account"""
    users.delete_account(current_user._get_current_object(), body["user"]["password"])
    return Response(status=204)


@bp.get("/user/export")
@token_required
@bp.response(200, ExportSchema)
@bp.doc(tags=TAGS)
def export() -> Response:
    """Everything the signed-in user's account holds, as a JSON file to download: profile and
    email settings, every article (drafts too) with body and tags, comments, favorites,
    follows and followers. No password hash, no token"""
    response = json_response(export_data(current_user))
    filename = export_filename(current_user)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/users/password-reset")
@limits.password_reset
@bp.arguments(PasswordResetRequestBody())
@bp.response(202, MessageBody)
@bp.doc(tags=TAGS)
def request_password_reset(body: dict[str, Any]) -> Response:
    """Email a password reset link. The answer is the same whether or not an account has that
    email"""
    users.request_password_reset(body["user"]["email"])
    message = "If an account has that email, a reset link is on its way."
    return json_response({"message": message}, 202)


@bp.post("/users/password-reset/confirm")
@limits.password_reset_confirm
@bp.arguments(PasswordResetBody())
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def confirm_password_reset(body: dict[str, Any]) -> Response:
    """Choose a new password with the token from a reset email; every older token and session
    ends, and the answer carries a new token"""
    user = users.reset_password(body["token"], body["password"])
    return json_response(user_body(user, issue_token(user)))
