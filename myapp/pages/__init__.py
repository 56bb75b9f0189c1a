"""The pages blueprint: server-rendered Conduit for people in a browser.

Every action is a form POST that redirects to a GET with a flash message, so the site works
without JavaScript. Forms load through the same schemas and call the same services as the API.
"""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from myapp.pages import articles, comments, filters, profiles, users  # noqa: E402,F401
