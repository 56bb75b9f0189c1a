"""WSGI entry point: ``gunicorn wsgi:app``."""

from myapp import create_app

app = create_app()
