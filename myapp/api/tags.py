"""Popular tags."""

from typing import Any

from flask import current_app

from myapp.api import bp
from myapp.api.schemas import TagListBody
from myapp.articles import services as articles


@bp.get("/tags")
@bp.response(200, TagListBody)
@bp.doc(tags=["Tags"])
def list_tags() -> dict[str, Any]:
    """Tags in use, most used first"""
    return {"tags": articles.popular_tags(current_app.config["POPULAR_TAGS_LIMIT"])}
