"""``make bench``: Conduit under gunicorn against a bare-Flask ceiling, measured with wrk.

    python -m bench.run [--articles 200] [--database-url URL] [--redis-url URL] [--duration 10]
                        [--only TEXT] [--no-docs] [--scale 2,4,8]

Builds a fresh database with the fixed dataset (bench/dataset.py), starts the app with the
production gunicorn config, warms up, runs ``wrk -t1 -c16 -d10s --latency`` against each
endpoint, and against bench/reference.py under the same config before the first row and after
every ``REFERENCE_EVERY`` rows, and prints a table (req/s, p50, p99, p99/p50, SQL statements per
request, Redis commands per request when Redis is used, fraction of the reference measured
around the row, issue 15's target), which it also writes into docs/benchmarks.md. SQLite with
the in-process cache by default; PostgreSQL + Redis when given.

``--scale 2,4,8`` (PostgreSQL + Redis only) measures instead a few rows and the reference at each
of those gunicorn worker counts, and what each kind of request costs the database and Redis per
1,000 requests per second.
"""

import argparse
import contextlib
import http.client
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import redis

from myapp.config import SAME_NAME

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
    conditional: bool = False  # sends If-None-Match with the ETag the server sent (expects 304)


@dataclass
class Result:
    endpoint: Endpoint
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    timeouts: int = 0  # requests wrk gave up on after 2 s: not in the latencies
    requests: int = 0  # how many wrk made
    queries: int | None = None
    redis_commands: float | None = None  # per request, when Redis is used
    worker_cpu_us: float | None = None  # the gunicorn workers' CPU time (user + system) a request
    reference_rps: float | None = None  # the reference's, measured around this row
    fraction: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Run:
    """What every wrk run needs: the reader's credentials, how long, where, and Redis if used."""

    token: str
    cookie: str
    duration: int
    workdir: Path
    redis_client: redis.Redis | None = None


@dataclass
class ScalePoint:
    """One worker count of a scale-out run: the reference and the rows at that count."""

    workers: int
    reference: Result
    results: list[Result]
    rss: list[float]


# Issue 15's goals ("Performance, round two"), as fractions of the reference in the same run.
LIST, SINGLE, CACHED, HTML, SEARCH = (
    ("signed-in lists", 0.3),
    ("signed-in single reads", 0.5),
    ("cached anonymous reads", 0.9),
    ("HTML pages, signed in", 0.3),
    # Issue 12's own: its real goal is a p50 under 3 times the signed-in list's (search_cost).
    ("search, signed in", 0.05),
)
MAX_TAIL = 3  # p99 at most this many times p50, on every row
MAX_WORKER_MB = 120  # RSS of each gunicorn worker
MIN_LOGINS = 40  # POST /api/users/login per second

ANONYMOUS_LIST = "GET /api/articles (anonymous, cached)"
SIGNED_IN_LIST = "GET /api/articles (signed in)"
SIGNED_IN_ARTICLE = "GET /api/articles/:slug (signed in)"
SIGNED_IN_HOME = "GET / (signed in)"
SEARCH_NAME = "GET /api/articles?q= (search, signed in)"
# Text compression (Flask-Compress): each row below against the same request without it.
COMPRESSED = {
    "GET /api/articles (anonymous, cached, br)": ANONYMOUS_LIST,
    "GET /api/articles (anonymous, cached, gzip)": ANONYMOUS_LIST,
    "GET / (signed in, br)": SIGNED_IN_HOME,
    "GET / (signed in, gzip)": SIGNED_IN_HOME,
}
# What --scale measures at each worker count.
SCALE_ROWS = (ANONYMOUS_LIST, SIGNED_IN_LIST, SIGNED_IN_ARTICLE, SIGNED_IN_HOME)


def endpoints(data) -> list[Endpoint]:
    login = f'{{"user": {{"email": "{data.reader_email}", "password": "bench-password"}}}}'
    return [
        Endpoint(ANONYMOUS_LIST, "/api/articles", target=CACHED),
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
        Endpoint(SIGNED_IN_ARTICLE, f"/api/articles/{data.hot_slug}", "token", SINGLE),
        Endpoint(
            "GET /api/articles/:slug/comments",
            f"/api/articles/{data.hot_slug}/comments",
            "token",
            SINGLE,
        ),
        Endpoint("GET /api/profiles/:username", f"/api/profiles/{data.author}", "token", SINGLE),
        Endpoint("GET /api/tags (cached)", "/api/tags", target=CACHED),
        # The pages a visitor without a session sees, and a browser revalidating the list.
        Endpoint("GET / (anonymous, cached)", "/", target=CACHED),
        Endpoint(
            "GET /article/:slug (anonymous, cached)", f"/article/{data.hot_slug}", target=CACHED
        ),
        Endpoint(
            "GET /profile/:username (anonymous, cached)", f"/profile/{data.author}", target=CACHED
        ),
        Endpoint(
            "GET /api/articles (anonymous, If-None-Match)",
            "/api/articles",
            target=CACHED,
            conditional=True,
        ),
        *(
            Endpoint(f"GET /api/articles (anonymous, cached, {e})", "/api/articles", encoding=e)
            for e in ("br", "gzip")
        ),
        *(Endpoint(f"GET / (signed in, {e})", "/", "cookie", encoding=e) for e in ("br", "gzip")),
        Endpoint("POST /api/users/login", "/api/users/login", method="POST", body=login),
        Endpoint(SIGNED_IN_HOME, "/", "cookie", HTML),
        Endpoint("GET /article/:slug (signed in)", f"/article/{data.hot_slug}", "cookie", HTML),
        Endpoint("GET /profile/:username (signed in)", f"/profile/{data.author}", "cookie"),
        Endpoint("GET /api/articles (anonymous, uncached)", "/api/articles", phase="uncached"),
        Endpoint(
            "GET /api/articles/:slug (anonymous, uncached)",
            f"/api/articles/{data.hot_slug}",
            phase="uncached",
        ),
        Endpoint("GET /api/tags (uncached)", "/api/tags", phase="uncached"),
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
        # The production config, rate limits included, each far above what the run sends from
        # its one client and account: reads skip the limiter, writes pay for its counting.
        "RATELIMIT_ENABLED": "true",
        **{name: "10000000 per minute" for name in SAME_NAME[str] if name.startswith("RATELIMIT_")},
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
    from myapp import bind_migrations, create_app
    from myapp.extensions import cache, db
    from myapp.users.models import User
    from myapp.users.tokens import issue_token

    app = create_app()
    bind_migrations(app)
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
    visitor = app.test_client(use_cookies=False)  # sends what an endpoint says, as wrk does

    counts: dict[str, int] = {}
    statements: list[str] = []
    matches = 0  # how many articles the search finds
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    for endpoint in endpoints(data):
        if endpoint.phase == "uncached":
            continue  # measured below with the cache off; same statements as a cache miss
        headers = auth_headers(endpoint, token, cookie)
        request = {
            "path": endpoint.path,
            "method": endpoint.method,
            "data": endpoint.body or None,
            "headers": headers,
        }
        first = visitor.open(**request)  # warm: the cached reads are then served from the cache
        if endpoint.conditional and "ETag" in first.headers:
            headers["If-None-Match"] = first.headers["ETag"]
        statements.clear()
        response = visitor.open(**request)
        expected = {200, 304} if endpoint.conditional else {200}
        assert response.status_code in expected, (endpoint.name, response.status_code)
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


def worker_cpu_seconds(master_pid: int) -> float:
    """The CPU time (user and system) the master's workers have used so far."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command's name
            if int(fields[1]) == master_pid:  # ppid; then utime and stime, fields 14 and 15
                ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


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
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
    )


def redis_calls(client: redis.Redis) -> int:
    """Commands the Redis server has run since it started, every client's (INFO commandstats)."""
    return sum(stat["calls"] for stat in client.info("commandstats").values())


def revalidate(url: str, headers: dict[str, str]) -> list[str]:
    """Add the ETag the server sends for ``url`` as If-None-Match to ``headers``, as a browser
    revalidating would; return what the table should say when that does not give a 304."""
    status, etag = fetch(url, headers)
    if etag is None:
        return [f"no ETag sent (answered {status}): the plain request"]
    headers["If-None-Match"] = etag
    status, _ = fetch(url, headers)
    return [] if status == 304 else [f"answered {status} with If-None-Match, not 304"]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, str | None]:
    """One GET sending only ``headers`` (urllib would add Accept-Encoding, which wrk does not
    send and the response cache keys on): the status and the ETag."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.putrequest("GET", target, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("ETag")
    finally:
        connection.close()


def measure_one(base: str, pid: int, endpoint: Endpoint, run: Run) -> Result:
    """Warm up for 2 s, then measure; Redis commands and the workers' CPU are counted around
    the measured run only."""
    headers = auth_headers(endpoint, run.token, run.cookie)
    notes = revalidate(base + endpoint.path, headers) if endpoint.conditional else []
    wrk(base + endpoint.path, endpoint, headers, 2, run.workdir)  # warm-up
    before = redis_calls(run.redis_client) if run.redis_client else 0
    cpu_before = worker_cpu_seconds(pid)
    result = wrk(base + endpoint.path, endpoint, headers, run.duration, run.workdir)
    result.worker_cpu_us = per_request_us(worker_cpu_seconds(pid) - cpu_before, result)
    if run.redis_client and result.requests:
        # Less one: the INFO that took the first count is in the second.
        result.redis_commands = (redis_calls(run.redis_client) - before - 1) / result.requests
    result.notes += notes
    return result


def per_request_us(seconds: float, result: Result) -> float | None:
    return seconds / result.requests * 1e6 if result.requests else None


def measure(base: str, pid: int, items: list[Endpoint], run: Run) -> list[Result]:
    results = []
    for endpoint in items:
        result = measure_one(base, pid, endpoint, run)
        notes = "".join(f" ({note})" for note in result.notes)
        print(
            f"  {endpoint.name:48} {result.rps:9.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
            f"p99 {result.p99_ms:7.2f} ms{notes}",
            flush=True,
        )
        results.append(result)
    return results


def reference_server(env: dict, body_bytes: int, run: Run, port: int | None = None):
    """Bare Flask under the same gunicorn config and environment (on ``port`` if given)."""
    reference_env = env | {"BENCH_BODY_BYTES": str(body_bytes)}
    if port is not None:
        reference_env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    return gunicorn("bench.reference:app", reference_env, run.workdir)


def measure_reference_at(base: str, pid: int, run: Run) -> Result:
    """The reference, warmed up like every row."""
    wrk(base + "/", None, {}, 2, run.workdir)
    cpu_before = worker_cpu_seconds(pid)
    reference = wrk(base + "/", None, {}, run.duration, run.workdir)
    reference.worker_cpu_us = per_request_us(worker_cpu_seconds(pid) - cpu_before, reference)
    print(f"  reference {reference.rps:.1f} req/s", flush=True)
    return reference


def measure_reference(env: dict, body_bytes: int, run: Run) -> Result:
    with reference_server(env, body_bytes, run) as (base, pid):
        return measure_reference_at(base, pid, run)


def mean_reference(references: list[Result]) -> Result:
    """The references of one run as one: mean throughput and CPU, median latencies."""
    mean = Result(
        None,
        statistics.mean(r.rps for r in references),
        statistics.median(r.p50_ms for r in references),
        statistics.median(r.p99_ms for r in references),
        sum(r.errors for r in references),
    )
    cpus = [r.worker_cpu_us for r in references if r.worker_cpu_us is not None]
    mean.worker_cpu_us = statistics.mean(cpus) if cpus else None
    return mean


def against(reference: Result, results: list[Result], counts: dict[str, int]) -> None:
    """Each result's fraction of the reference (measured around it, else ``reference``) and its
    SQL statements (counted in-process)."""
    for result in results:
        result.queries = counts.get(result.endpoint.name)
        result.fraction = result.rps / (result.reference_rps or reference.rps)


# --- report -------------------------------------------------------------------------------------


def verdict(result: Result) -> str:
    if result.endpoint.name.startswith("POST /api/users/login"):
        return "✅" if result.rps >= MIN_LOGINS else f"❌ below {MIN_LOGINS}/s"
    if not result.endpoint.target or result.fraction is None:
        return ""
    group, minimum = result.endpoint.target
    return f"{'✅' if result.fraction >= minimum else '❌'} ≥ {minimum} ({group})"


def cpu_us(result: Result) -> str:
    return "–" if result.worker_cpu_us is None else f"{result.worker_cpu_us:.0f}"


def tail(result: Result) -> str:
    """p99 over p50, marked when over issue 15's bound."""
    ratio = result.p99_ms / result.p50_ms
    if math.isnan(ratio):  # every request timed out
        return "–"
    return f"{ratio:.1f}" + (" ❌" if ratio > MAX_TAIL else "")


def memory_mark(rss: list[float]) -> str:
    """Whether every worker's RSS (MB) is under issue 15's bound."""
    return "✅" if rss and max(rss) < MAX_WORKER_MB else "❌"


def memory(rss: list[float]) -> str:
    """The memory line's figures and verdict."""
    if not rss:
        return "no worker found ❌"
    return f"{', '.join(map(str, rss))} {memory_mark(rss)} (goal < {MAX_WORKER_MB} MB each)"


def table(
    label: str,
    results: list[Result],
    reference: Result,
    rss: list[float],
    args,
    references: list[Result],
) -> str:
    redis_column = bool(args.redis_url)
    spread = [round(r.rps) for r in references]
    lines = [
        f"### {label}: {args.articles} articles, {time.strftime('%Y-%m-%d')}"
        + (f" (`--only '{args.only}'`)" if args.only else ""),
        "",
        f"Reference (bare Flask, same gunicorn config, {args.list_bytes} B body): "
        f"**{reference.rps:.0f} req/s**, p50 {reference.p50_ms} ms, p99 {reference.p99_ms} ms, "
        f"worker CPU {cpu_us(reference)} µs a request: the mean of {len(references)} "
        f"measurements, one before the first row and one after every {REFERENCE_EVERY} "
        f"({min(spread)}–{max(spread)} req/s; each row's × reference is against the two around "
        f"it). `wrk -t1 -c16 -d{args.duration}s`; {os.cpu_count()} CPUs; "
        f"gunicorn workers: {len(rss)}.",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | p99/p50 | worker CPU µs | SQL / request | "
        + ("Redis / request | " if redis_column else "")
        + "× reference | target |",
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if redis_column else "") + "---:|---|",
    ]
    for r in results:
        queries = "–" if r.queries is None else str(r.queries)
        redis_cell = "–" if r.redis_commands is None else f"{r.redis_commands:.2f}"
        notes = f" ({r.errors} errors)" if r.errors else ""
        notes += f" ({r.timeouts} timed out after 2 s)" if r.timeouts else ""
        notes += "".join(f" ({note})" for note in r.notes)
        lines.append(
            f"| {r.endpoint.name}{notes} | {r.rps:.0f} | {r.p50_ms} | {r.p99_ms} | {tail(r)} "
            f"| {cpu_us(r)} | {queries} | "
            + (f"{redis_cell} | " if redis_column else "")
            + f"{r.fraction:.2f} | {verdict(r)} |"
        )
    lines += search_cost(results, args)
    lines += notification_cost(results)
    lines += compression_cost(results)
    lines += ["", f"Worker memory after the run (RSS, MB): {memory(rss)}.", ""]
    return "\n".join(lines)


def scale_table(label: str, points: list[ScalePoint], args) -> str:
    """Workers across, rows down: req/s and the fraction of the reference at the same count;
    then each row's load on PostgreSQL and Redis per 1,000 requests per second."""
    counts = " | ".join(f"{p.workers} workers" for p in points)
    lines = [
        f"### {label}, scale-out: {args.articles} articles, {time.strftime('%Y-%m-%d')}"
        + (f" (`--only '{args.only}'`)" if args.only else ""),
        "",
        f"req/s (× the reference at the same worker count). `WEB_CONCURRENCY` = "
        f"{', '.join(map(str, args.scale))}"
        f"; `wrk -t1 -c16 -d{args.duration}s`; {os.cpu_count()} CPUs.",
        "",
        f"| endpoint | {counts} |",
        "|---|" + "---:|" * len(points),
        "| reference (bare Flask) | " + " | ".join(f"{p.reference.rps:.0f}" for p in points) + " |",
    ]
    for index, result in enumerate(points[0].results):
        cells = [p.results[index] for p in points]
        lines.append(
            f"| {result.endpoint.name} | "
            + " | ".join(f"{r.rps:.0f} ({r.fraction:.2f})" for r in cells)
            + " |"
        )
    lines.append(
        f"| worker RSS, largest (MB; goal < {MAX_WORKER_MB}) | "
        + " | ".join(f"{max(p.rss, default=0)} {memory_mark(p.rss)}" for p in points)
        + " |"
    )
    lines += load_table(points)
    return "\n".join(lines) + "\n"


def load_table(points: list[ScalePoint]) -> list[str]:
    """For a sizing table: SQL statements (counted in-process) and Redis commands (INFO
    commandstats around each run, averaged over the worker counts) per 1,000 req/s."""
    lines = [
        "",
        "Load per 1,000 requests per second of each kind:",
        "",
        "| endpoint | SQL statements/s | Redis commands/s |",
        "|---|---:|---:|",
    ]
    for index, result in enumerate(points[0].results):
        per_request = [p.results[index].redis_commands for p in points]
        per_request = [n for n in per_request if n is not None]
        sql = "–" if result.queries is None else f"{result.queries * 1000:,}"
        redis_load = f"{1000 * sum(per_request) / len(per_request):,.0f}" if per_request else "–"
        lines.append(f"| {result.endpoint.name} | {sql} | {redis_load} |")
    return lines


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


def worker_counts(text: str) -> list[int]:
    """``--scale``'s value: gunicorn worker counts, separated by commas."""
    try:
        counts = [int(n) for n in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"worker counts such as 2,4,8, not {text!r}") from None
    if min(counts) < 1:
        raise argparse.ArgumentTypeError("each worker count must be at least 1")
    return counts


def parse_args() -> argparse.Namespace:
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
        "--scale",
        type=worker_counts,
        metavar="2,4,8",
        help="measure how a few rows grow with these gunicorn worker counts (PostgreSQL + Redis)",
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="print, don't write docs/benchmarks.md"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.scale:
        postgres = (args.database_url or "").startswith("postgres")
        if not (postgres and args.redis_url):
            raise SystemExit(
                "--scale measures the multi-worker deployment: PostgreSQL and Redis, so give "
                "--database-url postgresql+psycopg://... and --redis-url redis://... "
                "(or BENCH_DATABASE_URL and BENCH_REDIS_URL)"
            )
    return args


def chosen(data, args, names: tuple[str, ...] | None = None) -> list[Endpoint]:
    """The endpoints to measure: ``names`` if given, narrowed by ``--only``."""
    return [
        e
        for e in endpoints(data)
        if (names is None or e.name in names) and (not args.only or args.only in e.name)
    ]


# Rows between two measurements of the reference. This machine's speed drifts by a fifth over a
# few minutes (other tenants): each row is compared with the mean of the two references measured
# around it, a minute or so apart, not with one measured ten minutes before or after it.
REFERENCE_EVERY = 4


def every_row(data, args, env: dict, run: Run, counts: dict[str, int]) -> tuple[str, str]:
    """The full table: the production config, then the cache turned off; the reference, on a
    server of its own beside the app's, before the first row and after every few."""
    items = chosen(data, args)
    phases = [
        ("Conduit, production config:", env, [e for e in items if e.phase == "cached"]),
        (
            "Conduit, cache off:",
            env | {"CACHE_TYPE": "NullCache"},
            [e for e in items if e.phase == "uncached"],
        ),
    ]
    results: list[Result] = []
    rss: list[float] = []
    with reference_server(env, args.list_bytes, run, args.port + 1) as (ref_base, ref_pid):
        references = [measure_reference_at(ref_base, ref_pid, run)]
        for title, phase_env, rows in phases:
            if not rows:
                continue
            print(title, flush=True)
            with gunicorn("wsgi:app", phase_env, run.workdir) as (base, pid):
                for start in range(0, len(rows), REFERENCE_EVERY):
                    measured = measure(base, pid, rows[start : start + REFERENCE_EVERY], run)
                    references.append(measure_reference_at(ref_base, ref_pid, run))
                    around = (references[-2].rps + references[-1].rps) / 2
                    for result in measured:
                        result.reference_rps = around
                    results += measured
                rss = rss or worker_rss_mb(pid)  # the production config's workers
    reference = mean_reference(references)
    against(reference, results, counts)
    section = table(args.label, results, reference, rss, args, references)
    return f"bench:{args.label} {args.articles}", section


def scale_out(data, args, env: dict, run: Run, counts: dict[str, int]) -> tuple[str, str]:
    """SCALE_ROWS and the reference at each worker count of ``--scale``."""
    items = chosen(data, args, SCALE_ROWS)
    points = []
    for workers in args.scale:
        print(f"{workers} workers:", flush=True)
        workers_env = env | {"WEB_CONCURRENCY": str(workers)}
        with gunicorn("wsgi:app", workers_env, run.workdir) as (base, pid):
            results = measure(base, pid, items, run)
            rss = worker_rss_mb(pid)
        reference = measure_reference(workers_env, args.list_bytes, run)
        against(reference, results, counts)
        points.append(ScalePoint(workers, reference, results, rss))
    return f"bench:{args.label} scale-out {args.articles}", scale_table(args.label, points, args)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="conduit-bench-"))
    database_url = fresh_database(args.database_url, workdir)
    args.label = ("PostgreSQL" if "postgres" in database_url else "SQLite") + (
        " + Redis" if args.redis_url else " + in-process cache"
    )
    print(
        f"{args.label}: building {args.articles} articles in {database_url.split('@')[-1]} ...",
        flush=True,
    )
    data, token, cookie, counts, args.list_bytes, args.search_matches = prepare(
        database_url, args.redis_url, args.articles
    )
    args.search = data.search
    redis_client = redis.Redis.from_url(args.redis_url) if args.redis_url else None
    run = Run(token, cookie, args.duration, workdir, redis_client)
    env = server_env(database_url, args.redis_url, args.port, workdir) | {"LOG_LEVEL": "INFO"}

    marker, section = (scale_out if args.scale else every_row)(data, args, env, run, counts)
    print("\n" + section)
    if not args.no_docs:
        write_docs(marker, section)
        print(f"written to {DOCS.relative_to(ROOT)}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
