"""``make bench``: Conduit under gunicorn against a bare-Flask ceiling, measured with wrk.

    python -m bench.run [--articles 200] [--database-url URL] [--redis-url URL] [--duration 10]

Builds a fresh database with the fixed dataset (bench/dataset.py), starts the app with the
production gunicorn config, warms up, runs ``wrk -t1 -c16 -d10s --latency`` against each
endpoint, then against bench/reference.py under the same config, and prints a table (req/s, p50,
p99, SQL statements per request, fraction of the reference), which it also writes into
docs/benchmarks.md. SQLite with the in-process cache by default; PostgreSQL + Redis when given.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789"
DOCS = ROOT / "docs" / "benchmarks.md"


@dataclass
class Endpoint:
    name: str
    path: str
    auth: str = ""  # "", "token" or "cookie"
    target: tuple[str, float] | None = None  # (group, minimum fraction of the reference)
    method: str = "GET"
    body: str = ""
    phase: str = "cached"  # "cached": production config; "uncached": the cache turned off
    connections: int = 16
    encoding: str = ""  # the Accept-Encoding sent: "" asks for the body as it is


@dataclass
class Result:
    endpoint: Endpoint
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int = 0  # requests wrk gave up on after 2 s: not in the latencies
    queries: int | None = None
    fraction: float | None = None
    notes: list[str] = field(default_factory=list)


LIST, SINGLE, CACHED, HTML, SEARCH = (
    ("uncached signed-in list", 0.15),
    ("uncached single reads", 0.35),
    ("cached anonymous reads", 0.6),
    ("HTML pages, signed in", 0.3),
    # Issue 12's goal is a p50 under 3 times the signed-in list's (see search_cost): a third
    # of the list's fraction.
    ("search, signed in", 0.05),
)
SIGNED_IN_LIST = "GET /api/articles (signed in)"
# Text compression (Flask-Compress): each row below against the same request without it.
COMPRESSED = {
    "GET /api/articles (anonymous, cached, br)": "GET /api/articles (anonymous, cached)",
    "GET /api/articles (anonymous, cached, gzip)": "GET /api/articles (anonymous, cached)",
    "GET / (signed in, br)": "GET / (signed in)",
    "GET / (signed in, gzip)": "GET / (signed in)",
}
SEARCH_NAME = "GET /api/articles?q= (search, signed in)"


def endpoints(data) -> list[Endpoint]:
    login = f'{{"user": {{"email": "{data.reader_email}", "password": "bench-password"}}}}'
    return [
        Endpoint("GET /api/articles (anonymous, cached)", "/api/articles", target=CACHED),
        Endpoint(SIGNED_IN_LIST, "/api/articles", "token", LIST),
        Endpoint(SEARCH_NAME, f"/api/articles?q={quote(data.search)}", "token", SEARCH),
        Endpoint("GET /api/articles?tag=", f"/api/articles?tag={data.tag}", "token", LIST),
        Endpoint("GET /api/articles?author=", f"/api/articles?author={data.author}", "token", LIST),
        Endpoint(
            "GET /api/articles?favorited=", f"/api/articles?favorited={data.reader}", "token", LIST
        ),
        Endpoint("GET /api/articles/feed", "/api/articles/feed", "token", LIST),
        Endpoint(
            "GET /api/articles/:slug (anonymous, cached)",
            f"/api/articles/{data.hot_slug}",
            target=CACHED,
        ),
        Endpoint(
            "GET /api/articles/:slug (signed in)", f"/api/articles/{data.hot_slug}", "token", SINGLE
        ),
        Endpoint(
            "GET /api/articles/:slug/comments",
            f"/api/articles/{data.hot_slug}/comments",
            "token",
            SINGLE,
        ),
        Endpoint("GET /api/profiles/:username", f"/api/profiles/{data.author}", "token", SINGLE),
        Endpoint("GET /api/tags (cached)", "/api/tags", target=CACHED),
        *(
            Endpoint(f"GET /api/articles (anonymous, cached, {e})", "/api/articles", encoding=e)
            for e in ("br", "gzip")
        ),
        *(Endpoint(f"GET / (signed in, {e})", "/", "cookie", encoding=e) for e in ("br", "gzip")),
        Endpoint("POST /api/users/login", "/api/users/login", method="POST", body=login),
        Endpoint("GET / (signed in)", "/", "cookie", HTML),
        Endpoint("GET /article/:slug (signed in)", f"/article/{data.hot_slug}", "cookie", HTML),
        Endpoint("GET /profile/:username (signed in)", f"/profile/{data.author}", "cookie"),
        Endpoint("GET /api/articles (anonymous, uncached)", "/api/articles", phase="uncached"),
        Endpoint(
            "GET /api/articles/:slug (anonymous, uncached)",
            f"/api/articles/{data.hot_slug}",
            phase="uncached",
        ),
        Endpoint("GET /api/tags (uncached)", "/api/tags", target=SINGLE, phase="uncached"),
        # The costliest body the Markdown limits accept (myapp/articles/markdown.py): rendered
        # on every write, never on a read.
        Endpoint(
            "PUT /api/articles/:slug (worst accepted body)",
            f"/api/articles/{data.worst_slug}",
            "token",
            method="PUT",
            body=json.dumps({"article": {"body": data.worst_body}}),
            connections=1,  # one writer: each request's own cost, not a queue behind others
        ),
        Endpoint(
            "GET /article/:slug (worst accepted body)", f"/article/{data.worst_slug}", "cookie"
        ),
        # A comment whose author gets an email (one outbox row in the same transaction, queued
        # after the response), against one whose author turned comment emails off.
        *(
            Endpoint(
                f"POST /api/articles/:slug/comments (notifications {state})",
                f"/api/articles/{slug}/comments",
                "token",
                method="POST",
                body='{"comment": {"body": "Thanks for writing this."}}',
                connections=4,
            )
            for state, slug in (("on", data.notified_slug), ("off", data.quiet_slug))
        ),
    ]


# --- the database and the app in this process --------------------------------------------------


def fresh_database(url: str | None, workdir: Path) -> str:
    if not url:
        return f"sqlite:///{workdir / 'bench.db'}"
    if url.startswith("postgres"):
        import psycopg

        admin = re.sub(r"^postgresql\+psycopg://", "postgresql://", url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS conduit_bench WITH (FORCE)")
            conn.execute("CREATE DATABASE conduit_bench")
        return url.rsplit("/", 1)[0] + "/conduit_bench"
    raise SystemExit("bench supports SQLite (default) and PostgreSQL")


def server_env(database_url: str, redis_url: str | None, port: int, workdir: Path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS"}
    }
    env |= {
        "APP_ENV": "production",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": str(workdir / "access.log"),
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(dir=workdir),
        # Tasks queue up in a throwaway broker: the bench measures requests, not the worker.
        "CELERY_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.sqlite'}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env | extra


def prepare(database_url: str, redis_url: str | None, articles: int):
    """Migrate, fill, and collect per-endpoint SQL counts, a token and a session cookie."""
    os.environ.update(server_env(database_url, redis_url, 0, Path(tempfile.gettempdir())))
    os.environ["LOG_LEVEL"] = "WARNING"  # this process only: the server logs as in production
    import flask_migrate
    from sqlalchemy import event

    from bench import dataset
    from myapp import create_app
    from myapp.extensions import cache, db
    from myapp.users.models import User
    from myapp.users.tokens import issue_token

    app = create_app()
    with app.app_context():
        flask_migrate.upgrade()
        data = dataset.build(articles)
        reader = db.session.query(User).filter_by(username=data.reader).one()
        token, reader_id = issue_token(reader), reader.get_id()
        cache.clear()
        engine = db.engine

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = reader_id
        session["_fresh"] = True
    client.get("/")
    cookie = client.get_cookie("session").value

    counts: dict[str, int] = {}
    statements: list[str] = []
    matches = 0  # how many articles the search finds
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for endpoint in endpoints(data):
        if endpoint.phase == "uncached":
            continue  # measured below with the cache off; same statements as a cache miss
        request = {
            "path": endpoint.path,
            "method": endpoint.method,
            "data": endpoint.body or None,
            "headers": auth_headers(endpoint, token, cookie),
        }
        client.open(**request)  # warm: the cached reads are then served from the cache
        statements.clear()
        response = client.open(**request)
        assert response.status_code == 200, (endpoint.name, response.status_code)
        counts[endpoint.name] = len(statements)
        if endpoint.name == SEARCH_NAME:  # an empty search would measure nothing
            matches = response.json["articlesCount"]
            assert len(response.json["articles"]) > 0, (endpoint.name, matches)
    with app.app_context():
        list_bytes = len(
            client.get("/api/articles", headers={"Authorization": f"Token {token}"}).data
        )
        db.engine.dispose()
    return data, token, cookie, counts, list_bytes, matches


def auth_headers(endpoint: Endpoint, token: str, cookie: str) -> dict[str, str]:
    headers = {"Content-Type": "application/json"} if endpoint.body else {}
    if endpoint.auth == "token":
        headers["Authorization"] = f"Token {token}"
    elif endpoint.auth == "cookie":
        headers["Cookie"] = f"session={cookie}"
    if endpoint.encoding:
        headers["Accept-Encoding"] = endpoint.encoding
    return headers


# --- gunicorn and wrk -------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(app_path: str, env: dict, workdir: Path):
    log = open(workdir / f"{app_path.replace(':', '_')}.log", "a")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", app_path],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://{env['GUNICORN_BIND']}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/healthz" if "wsgi" in app_path else base, timeout=1)
                break
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def worker_rss_mb(master_pid: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            text = status.read_text()
            if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
                kb = int(re.search(r"^VmRSS:\s+(\d+)", text, re.M).group(1))
                sizes.append(round(kb / 1024, 1))
    return sizes


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url: str, endpoint: Endpoint | None, headers: dict, duration: int, workdir: Path) -> Result:
    connections = endpoint.connections if endpoint else 16
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if endpoint and endpoint.method != "GET":
        script = workdir / "request.lua"
        body = endpoint.body.replace("\\", "\\\\").replace('"', '\\"')
        script.write_text(f'wrk.method = "{endpoint.method}"\nwrk.body = "{body}"\n')
        args += ["-s", str(script)]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        if found is None:  # no request finished: wrk prints no distribution
            return float("nan")
        value, unit = found.groups()
        if float(value) == 0:  # every request timed out: wrk prints a distribution of zeros
            return float("nan")
        return round(float(value) * UNITS[unit], 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Result(
        endpoint,
        rps,
        latency("50"),
        latency("99"),
        int(errors.group(1)) if errors else 0,
        int(timeouts.group(1)) if timeouts else 0,
    )


def measure(
    base: str, items: list[Endpoint], token: str, cookie: str, duration: int, workdir: Path
):
    results = []
    for endpoint in items:
        headers = auth_headers(endpoint, token, cookie)
        wrk(base + endpoint.path, endpoint, headers, 2, workdir)  # warm-up
        result = wrk(base + endpoint.path, endpoint, headers, duration, workdir)
        print(
            f"  {endpoint.name:48} {result.rps:9.1f} req/s  p50 {result.p50_ms:7.2f} ms", flush=True
        )
        results.append(result)
    return results


# --- report -------------------------------------------------------------------------------------


def verdict(result: Result) -> str:
    if result.endpoint.name.startswith("POST /api/users/login"):
        return "✅" if result.rps >= 40 else "❌ below 40/s"
    if not result.endpoint.target or result.fraction is None:
        return ""
    group, minimum = result.endpoint.target
    return f"{'✅' if result.fraction >= minimum else '❌'} ≥ {minimum} ({group})"


def table(label: str, results: list[Result], reference: Result, rss: list[float], args) -> str:
    lines = [
        f"### {label}: {args.articles} articles, {time.strftime('%Y-%m-%d')}"
        + (f" (`--only '{args.only}'`)" if args.only else ""),
        "",
        f"Reference (bare Flask, same gunicorn config, {args.list_bytes} B body): "
        f"**{reference.rps:.0f} req/s**, p50 {reference.p50_ms} ms, p99 {reference.p99_ms} ms. "
        f"`wrk -t1 -c16 -d{args.duration}s`; {os.cpu_count()} CPUs; gunicorn workers: {len(rss)}.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | SQL / request | × reference | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        queries = "–" if r.queries is None else str(r.queries)
        errors = f" ({r.errors} errors)" if r.errors else ""
        errors += f" ({r.timeouts} timed out after 2 s)" if r.timeouts else ""
        lines.append(
            f"| {r.endpoint.name}{errors} | {r.rps:.0f} | {r.p50_ms} | {r.p99_ms} | {queries} "
            f"| {r.fraction:.2f} | {verdict(r)} |"
        )
    lines += search_cost(results, args)
    lines += notification_cost(results)
    lines += compression_cost(results)
    lines += ["", f"Worker memory after the run (RSS, MB): {', '.join(map(str, rss))}.", ""]
    return "\n".join(lines)


def search_cost(results: list[Result], args) -> list[str]:
    """The p50 of a search over the signed-in list's, both measured in this run (issue 12: under
    3 at 100,000 articles)."""
    p50 = {r.endpoint.name: r.p50_ms for r in results}
    if not {SEARCH_NAME, SIGNED_IN_LIST} <= p50.keys():
        return []
    ratio = p50[SEARCH_NAME] / p50[SIGNED_IN_LIST]
    mark = "✅" if ratio < 3 else "❌"
    return [
        "",
        f"Search (`q={args.search}`, {args.search_matches} matches) p50 / signed-in list p50: "
        f"**{ratio:.2f}** {mark} (goal < 3).",
    ]


def notification_cost(results: list[Result]) -> list[str]:
    """The p50 of a comment that notifies its article's author over one that does not: the
    request only writes the outbox row (goal: at most 1.2)."""
    p50 = {
        r.endpoint.name.rsplit(" ", 1)[-1]: r.p50_ms
        for r in results
        if "comments (" in r.endpoint.name
    }
    if not {"on)", "off)"} <= p50.keys():
        return []
    ratio = p50["on)"] / p50["off)"]
    mark = "✅" if ratio <= 1.2 else "❌"
    return ["", f"POST comment, notifications on / off, p50: **{ratio:.2f}** {mark} (goal ≤ 1.2)."]


def compression_cost(results: list[Result]) -> list[str]:
    """What compressing costs: each compressed row's throughput and p50 over the same request's
    without compression, in this run."""
    by_name = {r.endpoint.name: r for r in results}
    pairs = [(by_name[c], by_name[p]) for c, p in COMPRESSED.items() if {c, p} <= by_name.keys()]
    if not pairs:
        return []
    lines = ["", "Text compression, against the same request uncompressed:", ""]
    for compressed, plain in pairs:
        lines.append(
            f"- {compressed.endpoint.name}: {compressed.rps / plain.rps:.2f} × the throughput, "
            f"p50 {compressed.p50_ms} ms against {plain.p50_ms} ms."
        )
    return lines


def write_docs(label: str, section: str, docs: Path = DOCS) -> None:
    """Put ``section`` between the ``<!-- label -->`` markers of ``docs``, or at its end."""
    text = docs.read_text() if docs.exists() else "# Benchmarks\n"
    start, end = f"<!-- {label} -->", f"<!-- /{label} -->"
    block = f"{start}\n{section}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    docs.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", help="measure only endpoints whose name contains this")
    parser.add_argument(
        "--no-docs", action="store_true", help="print, don't write docs/benchmarks.md"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="conduit-bench-"))
    database_url = fresh_database(args.database_url, workdir)
    label = ("PostgreSQL" if "postgres" in database_url else "SQLite") + (
        " + Redis" if args.redis_url else " + in-process cache"
    )
    print(
        f"{label}: building {args.articles} articles in {database_url.split('@')[-1]} ...",
        flush=True,
    )
    data, token, cookie, counts, args.list_bytes, args.search_matches = prepare(
        database_url, args.redis_url, args.articles
    )
    args.search = data.search
    chosen = [e for e in endpoints(data) if not args.only or args.only in e.name]

    results: list[Result] = []
    env = server_env(database_url, args.redis_url, args.port, workdir) | {"LOG_LEVEL": "INFO"}
    print("Conduit, production config:", flush=True)
    with gunicorn("wsgi:app", env, workdir) as (base, pid):
        results += measure(
            base, [e for e in chosen if e.phase == "cached"], token, cookie, args.duration, workdir
        )
        rss = worker_rss_mb(pid)
    print("Conduit, cache off:", flush=True)
    with gunicorn("wsgi:app", env | {"CACHE_TYPE": "NullCache"}, workdir) as (base, _):
        results += measure(
            base,
            [e for e in chosen if e.phase == "uncached"],
            token,
            cookie,
            args.duration,
            workdir,
        )
    print("Reference app:", flush=True)
    ref_env = env | {"BENCH_BODY_BYTES": str(args.list_bytes)}
    with gunicorn("bench.reference:app", ref_env, workdir) as (base, _):
        reference = wrk(base + "/", None, {}, args.duration, workdir)
        print(f"  reference {reference.rps:.1f} req/s", flush=True)

    for result in results:
        result.queries = counts.get(result.endpoint.name)
        result.fraction = result.rps / reference.rps
    section = table(label, results, reference, rss, args)
    print("\n" + section)
    if not args.no_docs:
        write_docs(f"bench:{label} {args.articles}", section)
        print(f"written to {DOCS.relative_to(ROOT)}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
