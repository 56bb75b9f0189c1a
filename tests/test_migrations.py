"""The migrations build exactly the schema the models describe, on the backend under test."""

import flask_migrate


def test_models_and_migrations_agree(app):
    with app.app_context():
        flask_migrate.check()  # raises when autogenerate would find a difference
