"""Profiles and follows."""

from typing import Any

from flask_login import current_user

from myapp.api import bp, token_optional, token_required
from myapp.api.schemas import ProfileBody
from myapp.auth.loaders import viewer
from myapp.users import services as users

TAGS = ["Profile"]


@bp.get("/profiles/<username>")
@token_optional
@bp.response(200, ProfileBody)
@bp.doc(tags=TAGS)
def profile(username: str) -> dict[str, Any]:
    """A user's public profile"""
    return {"profile": users.get_profile(username, viewer())}


@bp.post("/profiles/<username>/follow")
@token_required
@bp.response(200, ProfileBody)
@bp.doc(tags=TAGS)
def follow(username: str) -> dict[str, Any]:
    """Follow a user"""
    return {"profile": users.follow(current_user, username)}


@bp.delete("/profiles/<username>/follow")
@token_required
@bp.response(200, ProfileBody)
@bp.doc(tags=TAGS)
def unfollow(username: str) -> dict[str, Any]:
    """Stop following a user"""
    return {"profile": users.unfollow(current_user, username)}
