"""Where the time of one request goes: pyinstrument over N in-process requests.

    python -m bench.profile [--path /api/articles] [--signed-in | --cookie] [--requests 300]
                            [--hooks] [--database-url postgresql+psycopg://...] [--redis-url ...]

A ":slug" in the path stands for the benchmark's hot article (the one with 20 comments), a
":username" for its author.

Uses the benchmark's dataset (200 articles) in a temporary SQLite database (or a fresh
PostgreSQL one, as ``bench.run`` makes it; with Redis as the cache if given) and the production
config with the response cache off, so that Flask answers an anonymous request too, as on a
cache miss; prints the profile as text (docs/benchmarks.md keeps the one of the article list).
With ``--hooks``, instead, the median time of each ``before_request`` and ``after_request``
hook and of the view, timed around each call: a profiler's own cost distorts calls that short.
"""

import argparse
import functools
import os
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.run import fresh_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--path", default="/api/articles")
    parser.add_argument("--signed-in", action="store_true", help="with the reader's API token")
    parser.add_argument("--cookie", action="store_true", help="with the reader's session cookie")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--show-all", action="store_true", help="include library frames")
    parser.add_argument("--hooks", action="store_true", help="time each hook and the view")
    parser.add_argument("--database-url", help="PostgreSQL, as bench.run takes it (else SQLite)")
    parser.add_argument("--redis-url", help="the cache in Redis, as bench.run takes it")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="conduit-profile-")
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    os.environ.update(
        {
            "APP_ENV": "production",
            "PUBLIC_URL": "http://127.0.0.1:8000",
            "SECRET_KEY": "profile-secret-key-0123456789abcdef0123",
            "DATABASE_URL": fresh_database(args.database_url, Path(workdir)),
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
    path = args.path.replace(":slug", data.hot_slug).replace(":username", data.author)
    client = app.test_client()
    if args.cookie:
        with client.session_transaction() as session:
            session["_user_id"] = reader_id
            session["_fresh"] = True
    if args.hooks:
        times = time_hooks(app)
    for _ in range(30):
        client.get(path, headers=headers)
    if args.hooks:
        times.clear()
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path, headers=headers)
    per_request = (time.perf_counter() - started) / args.requests * 1000
    who = "signed in" if args.signed_in or args.cookie else "anonymous"
    if args.hooks:
        print(f"{args.path} ({who}): {per_request:.2f} ms a request in-process, hooks timed")
        for name, seconds in sorted(times.items(), key=lambda item: -statistics.median(item[1])):
            print(f"{statistics.median(seconds) * 1e6:8.1f} µs  {name}")
        return
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(args.requests):
            client.get(path, headers=headers)
    print(f"{args.path} ({who}): {per_request:.2f} ms a request in-process, unprofiled")
    print(profiler.output_text(unicode=True, color=False, show_all=args.show_all))


def time_hooks(app) -> dict[str, list[float]]:
    """Wrap every request hook and view of ``app`` in a timer; the times, by name, as they
    accumulate."""
    times: dict[str, list[float]] = defaultdict(list)

    def timed(name: str, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                times[name].append(time.perf_counter() - started)

        return wrapper

    hooks = {"before": app.before_request_funcs, "after": app.after_request_funcs}
    for kind, registry in hooks.items():
        for functions in registry.values():
            functions[:] = [timed(f"{kind} {f.__module__}.{f.__qualname__}", f) for f in functions]
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = timed("the view", view)
    return times


if __name__ == "__main__":
    main()
