"""Swagger UI's assets for /api/docs, served from the swagger-ui-bundle package (never a CDN).

A plain Flask blueprint with only a static folder, so the files stay out of the OpenAPI document.
"""

from flask import Blueprint
from swagger_ui_bundle import swagger_ui_path

assets = Blueprint(
    "swagger_ui",
    __name__,
    url_prefix="/api/docs",
    static_folder=str(swagger_ui_path),
    static_url_path="/assets",
)
