"""Where the time of one request goes: pyinstrument over N in-process requests.

    python -m bench.profile [--path /api/articles] [--signed-in] [--requests 300]

A ":slug" in the path stands for the benchmark's hot article (the one with 20 comments).

Uses the benchmark's dataset (200 articles) in a temporary SQLite database and the production
config with the response cache off, so that Flask answers an anonymous request too, as on a
cache miss; prints the profile as text (docs/benchmarks.md keeps the one of the article list).
"""

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", default="/api/articles")
    parser.add_argument("--signed-in", action="store_true", help="with the reader's API token")
    parser.add_argument("--cookie", action="store_true", help="with the reader's session cookie")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--show-all", action="store_true", help="include library frames")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="conduit-profile-")
    os.environ.update(
        {
            "APP_ENV": "production",
            "PUBLIC_URL": "http://127.0.0.1:8000",
            "SECRET_KEY": "profile-secret-key-0123456789abcdef0123",
            "DATABASE_URL": f"sqlite:///{workdir}/profile.db",
            "RATELIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    import flask_migrate
    from pyinstrument import Profiler

    from bench import dataset
    from myapp import bind_migrations, create_app
    from myapp.extensions import db
    from myapp.users.models import User
    from myapp.users.tokens import issue_token

    app = create_app({"RESPONSE_CACHE_ENABLED": False})
    bind_migrations(app)
    with app.app_context():
        flask_migrate.upgrade()
        data = dataset.build()
        reader = db.session.query(User).filter_by(username=data.reader).one()
        headers = {"Authorization": f"Token {issue_token(reader)}"} if args.signed_in else {}
        reader_id = reader.get_id()
    path = args.path.replace(":slug", data.hot_slug)
    client = app.test_client()
    if args.cookie:
        with client.session_transaction() as session:
            session["_user_id"] = reader_id
            session["_fresh"] = True
    for _ in range(30):
        client.get(path, headers=headers)
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path, headers=headers)
    per_request = (time.perf_counter() - started) / args.requests * 1000
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(args.requests):
            client.get(path, headers=headers)
    who = "signed in" if args.signed_in or args.cookie else "anonymous"
    print(f"{args.path} ({who}): {per_request:.2f} ms a request in-process, unprofiled")
    print(profiler.output_text(unicode=True, color=False, show_all=args.show_all))


if __name__ == "__main__":
    main()
