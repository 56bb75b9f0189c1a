"""The audit log, read-only: there is deliberately no route that edits or deletes an entry."""

from flask import render_template

from myapp.admin import bp
from myapp.admin.views import actor, choice, page_number, search_text
from myapp.moderation import queries
from myapp.moderation.services import ACTIONS


@bp.get("/audit")
def audit() -> str:
    filters = {"action": choice("action", ACTIONS), "q": search_text()}
    listing = queries.audit_page(actor(), page=page_number(), **filters)
    return render_template("admin/audit.html", listing=listing, filters=filters, actions=ACTIONS)


@bp.get("/audit/<int(max=2147483647):entry_id>")
def audit_entry(entry_id: int) -> str:
    detail = queries.audit_entry(actor(), entry_id)
    return render_template(
        "admin/audit_entry.html", detail=detail, entry=detail.row, target=detail.target
    )
