"""Swagger UI's assets, served from the swagger-ui-bundle package (never a CDN)."""

from flask import Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from myapp.api import bp


@bp.get("/docs/assets/<path:filename>")
@bp.doc(hide=True)
def swagger_ui_asset(filename: str) -> Response:
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
