"""The dashboard, and what every admin view shares: who acts, which page, and how an action
ends (a flash message and a redirect back, whether the service agreed or refused).

Views stay thin: reads come from ``myapp.moderation.queries``, writes go through
``myapp.moderation.services``, which check roles themselves. ``Forbidden`` and ``NotFound``
propagate to the app's HTML error pages (403, 404); a refusal the staff member can act on
(``Invalid``, ``Conflict``, a form that does not validate) is flashed on the page they came from.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request
from flask_login import current_user
from marshmallow import Schema
from werkzeug.wrappers import Response

from myapp.admin import bp
from myapp.errors import Conflict, Invalid
from myapp.forms import Errors, load_form, redirect_back
from myapp.moderation import queries
from myapp.users.models import User

# How a field a message is about is named in a sentence.
FIELD_NAMES = {
    "user": "This user",
    "article": "This article",
    "comment": "This comment",
    "report": "This report",
    "confirm": "The confirmation",
    "until": "The end date",
    "reason": "The reason",
    "role": "The role",
    "name": "The tag name",
}


def actor() -> User:
    """The signed-in staff member, as the services take them (not the proxy)."""
    return current_user._get_current_object()  # Werkzeug's documented LocalProxy API


def page_number() -> int:
    """``page`` from the query string; anything that is not a positive number is page 1."""
    page = request.args.get("page", 1, type=int) or 1
    return max(1, min(page, queries.MAX_PAGE))


def choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    """A filter's value from the query string if it is one we know, else ``default``."""
    value = request.args.get(name, "")
    return value if value in allowed else default


def search_text() -> str:
    return queries.clean_query(request.args.get("q"))


def sentences(errors: Errors) -> list[str]:
    """Errors keyed by field as sentences a person reads: "This user is the last admin..."."""
    return [
        f"{FIELD_NAMES.get(key, key.capitalize())} {message}."
        for key, messages in errors.items()
        for message in messages
    ]


def act(
    schema: Schema | None,
    action: Callable[[dict[str, Any]], str | tuple[str, str]],
    done: str,
    refused: str | None = None,
    follow_next: bool = True,
) -> Response:
    """Load the form through ``schema``, run ``action`` (a service call returning the success
    message, or the message and the page to go to, known only once it ran), flash the outcome,
    and go back to ``next`` if local, else to ``done`` (when refused: to ``refused`` if given).
    ``follow_next`` False: ``next`` is ignored on success, for an action after which the page
    the form was on is gone (a deleted user's, a renamed tag's)."""
    data, errors = load_form(schema, request.form) if schema is not None else ({}, {})
    if data is not None:
        try:
            outcome = action(data)
        except (Invalid, Conflict) as error:
            errors = error.messages
        else:
            message, done = (outcome, done) if isinstance(outcome, str) else outcome
            flash(message, "success")
            return redirect_back(done) if follow_next else redirect(done)
    for sentence in sentences(errors):
        flash(sentence, "error")
    return redirect_back(refused or done)


def came_from(page: str) -> bool:
    """Whether the form's ``next`` is ``page`` (with any query string)."""
    return request.form.get("next", "").split("?")[0] == page


# --- the dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    day: date
    value: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Chart:
    """A series drawn as bars in a ``width`` x ``height`` SVG view box."""

    series: queries.Series
    bars: list[Bar]
    width: int
    height: int
    bar_width: float


CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 300, 80, 2


def chart(series: queries.Series) -> Chart:
    """Bar geometry for one series, scaled to its peak. A day with none gets a sliver, so that
    it still has a bar to point at for its tooltip."""
    step = CHART_WIDTH / max(1, len(series.values))
    peak = series.peak or 1
    bars = []
    for n, (day, value) in enumerate(zip(series.days, series.values, strict=True)):
        height = round(value / peak * (CHART_HEIGHT - 1), 2) if value else 1
        x = round(n * step + BAR_GAP / 2, 2)
        bars.append(Bar(day, value, x, CHART_HEIGHT - height, height))
    return Chart(series, bars, CHART_WIDTH, CHART_HEIGHT, round(step - BAR_GAP, 2))


@bp.get("/")
def dashboard() -> str:
    board = queries.dashboard(actor())
    return render_template(
        "admin/dashboard.html",
        board=board,
        charts=[chart(series) for series in board.series],
    )
