"""The auth blueprint: sign in, sign up and sign out pages, and how requests are authenticated."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from myapp.auth import views  # noqa: E402,F401  (registers the routes)
