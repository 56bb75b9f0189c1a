"""WSGI entry point: ``gunicorn wsgi:app``; also what ``flask --app wsgi`` loads, and the
worker's: ``celery --app wsgi:celery_app worker`` (and ``beat``)."""

from myapp import create_app
from myapp.monitoring import configure_logging

app = create_app()
configure_logging(app.config)  # once per process, here rather than in the factory
celery_app = app.extensions["celery"]
