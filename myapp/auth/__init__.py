"""The auth blueprint: the sign-in, sign-up and sign-out pages (myapp/authentication.py says how
requests are authenticated)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from myapp.auth import views  # noqa: E402,F401  (registers the routes)
