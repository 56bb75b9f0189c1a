"""Profiles and follows."""

from flask import Response
from flask_login import current_user

from myapp.api import bp, json_response, token_optional, token_required
from myapp.api.schemas import ProfileBody, profile_body
from myapp.authentication import viewer
from myapp.users import services as users

TAGS = ["Profile"]


@bp.get("/profiles/<username>")
@token_optional
@bp.response(200, ProfileBody)
@bp.doc(tags=TAGS)
def profile(username: str) -> Response:
    """A user's public profile"""
    return json_response(profile_body(users.read_profile(username, viewer())))


@bp.post("/profiles/<username>/follow")
@token_required
@bp.response(200, ProfileBody)
@bp.doc(tags=TAGS)
def follow(username: str) -> Response:
    """Follow a user"""
    return json_response(profile_body(users.follow(current_user, username)))


@bp.delete("/profiles/<username>/follow")
@token_required
@bp.response(200, ProfileBody)
@bp.doc(tags=TAGS)
def unfollow(username: str) -> Response:
    """Stop following a user"""
    return json_response(profile_body(users.unfollow(current_user, username)))
