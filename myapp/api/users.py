"""Sign up, sign in, and the signed-in user's own account."""

from typing import Any

from flask_login import current_user

from myapp import limits
from myapp.api import bp, token_required
from myapp.api.schemas import LoginBody, RegisterBody, UserBody, UserUpdateBody
from myapp.users import services as users

TAGS = ["User and Authentication"]


@bp.post("/users")
@limits.sign_up
@bp.arguments(RegisterBody)
@bp.response(201, UserBody)
@bp.doc(tags=TAGS)
def register(body: dict[str, Any]) -> dict[str, Any]:
    """Register a new user"""
    return {"user": users.register(**body["user"])}


@bp.post("/users/login")
@limits.sign_in
@bp.arguments(LoginBody)
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def login(body: dict[str, Any]) -> dict[str, Any]:
    """Sign in with email and password"""
    return {"user": users.authenticate(**body["user"])}


@bp.get("/user")
@token_required
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def current() -> dict[str, Any]:
    """The signed-in user, with a fresh token"""
    return {"user": current_user}


@bp.put("/user")
@limits.password_change
@token_required
@bp.arguments(UserUpdateBody)
@bp.response(200, UserBody)
@bp.doc(tags=TAGS)
def update(body: dict[str, Any]) -> dict[str, Any]:
    """Update the signed-in user; a new password revokes every older token"""
    return {"user": users.update_user(current_user, body["user"])}
