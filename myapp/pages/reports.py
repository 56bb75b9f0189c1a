"""Reporting an article or a comment to the moderators (the "Report" forms on an article)."""

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from myapp import limits
from myapp.errors import Invalid
from myapp.forms import load_form
from myapp.moderation import services as moderation
from myapp.moderation.schemas import ReportCreateSchema
from myapp.pages import bp


def _report(slug: str, comment_id: int | None, anchor: str) -> Response:
    data, errors = load_form(ReportCreateSchema(), request.form)
    if data is None:
        if "reason" in errors:
            flash("Choose a reason, then send the report again.", "error")
        else:
            flash(f"Your note {errors['note'][0]}: shorten it and send it again.", "error")
    else:
        try:
            moderation.report(current_user, slug, comment_id, data)
        except Invalid:  # their own writing
            flash("You cannot report what you wrote yourself.", "error")
        else:
            flash("Thank you: a moderator will look at your report.", "success")
    return redirect(url_for("pages.article", slug=slug, _anchor=anchor))


@bp.post("/article/<slug>/report")
@limits.report
@login_required
def report_article(slug: str) -> Response:
    return _report(slug, None, "report-article")


@bp.post("/article/<slug>/comments/<int(max=2147483647):comment_id>/report")
@limits.report
@login_required
def report_comment(slug: str, comment_id: int) -> Response:
    return _report(slug, comment_id, f"comment-{comment_id}")
