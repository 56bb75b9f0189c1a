"""Reports: any signed-in reader can report an article or a comment to the staff."""

from typing import Any

from flask import Response
from flask_login import current_user

from myapp import limits
from myapp.api import bp, json_response, token_required
from myapp.api.schemas import ReportBody, ReportCreateBody, report_body
from myapp.moderation import services as moderation

TAGS = ["Reports"]


@bp.post("/articles/<slug>/report")
@limits.report
@token_required
@bp.arguments(ReportCreateBody())
@bp.response(202, ReportBody)
@bp.doc(tags=TAGS)
def report_article(body: dict[str, Any], slug: str) -> Response:
    """Report an article to the moderators (again: updates your open report)"""
    report = moderation.report(current_user, slug, None, body["report"])
    return json_response(report_body(report), 202)


@bp.post("/articles/<slug>/comments/<int(max=2147483647):comment_id>/report")
@limits.report
@token_required
@bp.arguments(ReportCreateBody())
@bp.response(202, ReportBody)
@bp.doc(tags=TAGS)
def report_comment(body: dict[str, Any], slug: str, comment_id: int) -> Response:
    """Report a comment to the moderators (again: updates your open report)"""
    report = moderation.report(current_user, slug, comment_id, body["report"])
    return json_response(report_body(report), 202)
