"""The report queue and a report's page; dismissing a report (all staff). Hiding a report's
target posts to the article's or comment's own hide action, which resolves its open reports."""

from flask import render_template, url_for
from werkzeug.wrappers import Response

from myapp.admin import bp
from myapp.admin.views import act, actor, choice, page_number, search_text
from myapp.moderation import queries
from myapp.moderation import services as moderation
from myapp.moderation.models import OPEN, REASONS, REPORT_STATUSES

STATUS_FILTERS = (*REPORT_STATUSES, queries.ALL)


@bp.get("/reports")
def reports() -> str:
    filters = {
        "status": choice("status", STATUS_FILTERS, default=OPEN),
        "reason": choice("reason", REASONS),
        "q": search_text(),
    }
    listing = queries.reports_page(actor(), page=page_number(), **filters)
    return render_template(
        "admin/reports.html",
        listing=listing,
        filters=filters,
        statuses=STATUS_FILTERS,
        reasons=REASONS,
    )


@bp.get("/reports/<int(max=2147483647):report_id>")
def report(report_id: int) -> str:
    detail = queries.report_detail(actor(), report_id)
    return render_template("admin/report.html", detail=detail, report=detail.row)


@bp.post("/reports/<int(max=2147483647):report_id>/dismiss")
def dismiss_report(report_id: int) -> Response:
    def change(_: dict) -> str:
        moderation.dismiss_report(actor(), report_id)
        return f"Report {report_id} is dismissed; the content stays as it is."

    return act(None, change, url_for("admin.report", report_id=report_id))
