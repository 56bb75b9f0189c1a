"""The pages blueprint: server-rendered Conduit for people in a browser."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from myapp.pages import articles  # noqa: E402,F401  (registers the routes)
