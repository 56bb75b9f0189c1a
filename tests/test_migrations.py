"""The migrations build exactly the schema the models describe, on the backend under test."""

import os
import subprocess
import sys
from pathlib import Path

import flask_migrate


def test_models_and_migrations_agree(app):
    with app.app_context():
        flask_migrate.check()  # raises when autogenerate would find a difference


def test_old_bodies_are_rendered_again_with_the_current_renderer(app, factory):
    """f2b3c4d5e6a7 re-renders every stored body_html: highlighting, focusable code blocks and
    table scrollers reach the articles written before them, and search still finds them."""
    from sqlalchemy import select, update

    from myapp.articles.models import Article
    from myapp.extensions import db

    account = factory.user()
    body = "Tables and code\n\n```python\nimport this\n```\n\n|a|b|\n|-|-|\n|1|2|\n"
    slug = factory.article(account, title="Rendered again", body=body)
    old_html = "<pre><code>import this\n</code></pre><table></table>"
    with app.app_context():
        db.session.execute(update(Article).where(Article.slug == slug).values(body_html=old_html))
        db.session.commit()
        flask_migrate.downgrade(revision="f1a2c3d4e5b6")  # a no-op: nothing to undo
        flask_migrate.upgrade()
        html = db.session.scalar(select(Article.body_html).where(Article.slug == slug))
        db.session.remove()
    assert '<pre tabindex="0"><code class="language-python"><span class="kn">import</span>' in html
    assert '<div class="table-scroll"' in html
    found = app.test_client().get("/api/articles", query_string={"q": "tables"}).json
    assert [article["slug"] for article in found["articles"]] == [slug]


def test_a_web_worker_loads_no_migration_code_and_the_command_line_does(tmp_path):
    """Alembic costs every web worker 11 MB: `import wsgi` (what gunicorn does) binds no
    Flask-Migrate, while `flask db` still finds its commands."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/conduit.db"}
    env.pop("REDIS_URL", None)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, wsgi; print(sorted(m for m in sys.modules if "
            "m.split('.')[0] in {'alembic', 'flask_migrate'}))",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
    flask = Path(sys.executable).with_name("flask")
    upgraded = subprocess.run(
        [flask, "--app", "wsgi", "db", "upgrade"], cwd=root, env=env, capture_output=True, text=True
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Running upgrade" in upgraded.stderr
