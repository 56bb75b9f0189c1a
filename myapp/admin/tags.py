"""Tags: the list and a tag's page (all staff), renaming and merging (admins).

A tag name may hold a slash (tags come from writers): its URLs take it as a path."""

from collections.abc import Callable

from flask import render_template, url_for
from werkzeug.wrappers import Response

from myapp.admin import bp
from myapp.admin.views import act, actor, came_from, choice, page_number, search_text
from myapp.moderation import queries
from myapp.moderation import services as moderation
from myapp.moderation.schemas import TagNameSchema


@bp.get("/tags")
def tags() -> str:
    filters = {"q": search_text(), "usage": choice("usage", queries.TAG_USAGES)}
    listing = queries.tags_page(actor(), page=page_number(), **filters)
    return render_template(
        "admin/tags.html", listing=listing, filters=filters, usages=queries.TAG_USAGES
    )


@bp.get("/tags/<path:name>")
def tag(name: str) -> str:
    detail = queries.tag_detail(actor(), name)
    return render_template("admin/tag.html", detail=detail, tag=detail.row)


@bp.post("/tags/<path:name>/rename")
def rename_tag(name: str) -> Response:
    moderation.require_admin(actor())

    def change(data: dict) -> tuple[str, str]:
        renamed = moderation.rename_tag(actor(), name, data["name"])
        return f"The tag “{name}” is now “{renamed.name}”.", url_for("admin.tag", name=renamed.name)

    return _tag_action(name, change)


@bp.post("/tags/<path:name>/merge")
def merge_tag(name: str) -> Response:
    moderation.require_admin(actor())

    def change(data: dict) -> tuple[str, str]:
        into = moderation.merge_tag(actor(), name, data["name"]).name
        return f"The tag “{name}” is merged into “{into}”.", url_for("admin.tag", name=into)

    return _tag_action(name, change)


def _tag_action(name: str, change: Callable[[dict], tuple[str, str]]) -> Response:
    """After a rename or merge the tag's page is gone: its form goes on to the tag it became;
    a list row's form goes back to the list it was on."""
    page = url_for("admin.tag", name=name)
    return act(TagNameSchema(), change, page, refused=page, follow_next=not came_from(page))
