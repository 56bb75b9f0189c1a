"""Operations, against a real gunicorn run with gunicorn.conf.py: what one instance does to
another, what a run leaves behind, what it logs, and how it answers a chunked body over 1 MiB.

Each run gets its own HOME, XDG_RUNTIME_DIR, TMPDIR and working directory (all under tmp_path), so
whatever gunicorn creates there can be seen; two runs in one test share them, as two instances
run by one user would.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from myapp.monitoring import REQUEST_LOG_FLUSH_SECONDS
from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
TOO_LARGE = {"errors": {"body": ["is too large (maximum is 1 MiB)"]}}
TOO_LONG = "is too long (maximum is 128)"


@dataclass
class Run:
    port: int
    log: Path
    process: subprocess.Popen

    def reload(self) -> None:
        """HUP: gunicorn reads gunicorn.conf.py again and replaces its workers."""
        booted = self.log.read_text().count("Booting worker")
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while self.log.read_text().count("Booting worker") == booted:
            assert time.monotonic() < deadline, "no new worker after HUP"
            time.sleep(0.05)

    def request(
        self,
        method: str,
        path: str,
        body: Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            # An iterable body without Content-Length goes out chunked.
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def places(tmp_path: Path) -> dict[str, Path]:
    names = ("home", "run", "tmp", "cwd")
    found = {name: tmp_path / name for name in names}
    for path in found.values():
        path.mkdir(exist_ok=True)
    return found


@contextmanager
def gunicorn(tmp_path: Path, database_url: str, name: str = "a", **settings: str) -> Iterator[Run]:
    where = places(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PROMETHEUS_MULTIPROC_DIR", "GUNICORN_ACCESSLOG", "REDIS_URL"}
    }
    port = free_port()
    env |= {
        "HOME": str(where["home"]),
        "XDG_RUNTIME_DIR": str(where["run"]),
        "TMPDIR": str(where["tmp"]),
        "APP_ENV": "production",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOG_FORMAT": "json",
        "SECRET_KEY": "operations-test-secret-key-0123456789abcdef",
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    } | settings
    log = tmp_path / f"gunicorn-{name}.log"
    command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [*command, "--pythonpath", str(ROOT), "wsgi:app"],
            cwd=where["cwd"],  # not the checkout: files written to the working directory show
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, up=True, seconds=30)
        yield Run(port, log, process)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def metrics_folders(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "tmp").glob("conduit-metrics-*"))


def test_instances_of_one_user_share_no_control_socket(tmp_path, database_url):
    # gunicorn's default control socket is one path per user: the instance that stops first
    # deletes the socket of the one still running. The config turns it off.
    with (
        gunicorn(tmp_path, database_url, "a") as a,
        gunicorn(tmp_path, database_url, "b") as b,
    ):
        assert a.request("GET", "/healthz")[0] == b.request("GET", "/healthz")[0] == 200
        sockets = [p for p in tmp_path.rglob("*") if p.is_socket() or p.name == "gunicorn.ctl"]
        assert sockets == []


def test_the_metrics_folder_made_for_a_run_goes_when_it_stops(tmp_path, database_url):
    with gunicorn(tmp_path, database_url) as run:
        assert run.request("GET", "/api/tags")[0] == 200
        [folder] = metrics_folders(tmp_path)
        assert list(folder.glob("counter_*.db"))
        run.reload()  # reads the config again: same folder, not a second one
        assert run.request("GET", "/api/tags")[0] == 200
        assert metrics_folders(tmp_path) == [folder]
    assert metrics_folders(tmp_path) == []


def test_an_operators_metrics_folder_is_kept_and_no_other_made(tmp_path, database_url):
    own = tmp_path / "own-metrics"
    own.mkdir()
    with gunicorn(tmp_path, database_url, PROMETHEUS_MULTIPROC_DIR=str(own)) as run:
        assert run.request("GET", "/api/tags")[0] == 200
    assert list(own.glob("counter_*.db"))
    assert metrics_folders(tmp_path) == []


def test_an_empty_metrics_dir_writes_nothing_into_the_working_directory(tmp_path, database_url):
    # prometheus_client takes PROMETHEUS_MULTIPROC_DIR="" as set, and joins "" with
    # counter_<pid>.db: the files land in the working directory, the checkout under make run.
    with gunicorn(tmp_path, database_url, PROMETHEUS_MULTIPROC_DIR="") as run:
        assert run.request("GET", "/api/tags")[0] == 200
        status, _, body = run.request("GET", "/metrics")
        assert status == 200 and b'endpoint="api.list_tags"' in body
    assert list((tmp_path / "cwd").rglob("*.db")) == []
    assert metrics_folders(tmp_path) == []


@pytest.mark.parametrize("given", ["", ".", "metrics"])
def test_the_app_refuses_a_metrics_dir_that_is_not_an_absolute_folder(tmp_path, given):
    # Outside gunicorn (flask run, a script, a shell) nothing replaces the variable: refuse it
    # before any metric makes its file in the working directory.
    (tmp_path / "metrics").mkdir()
    make_app = (
        "from myapp import create_app; "
        "create_app({'APP_ENV': 'testing', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})"
        ".test_client().get('/healthz')"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT), "PROMETHEUS_MULTIPROC_DIR": given}
    result = subprocess.run(
        [sys.executable, "-c", make_app], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR must be an absolute path" in result.stderr
    assert list(tmp_path.rglob("*.db")) == []


def test_one_log_line_per_request_without_query_string_or_referer(tmp_path, database_url):
    with gunicorn(tmp_path, database_url) as run:
        _, headers, _ = run.request(
            "GET",
            "/api/tags?email=someone%40example.com",
            headers={"Referer": "https://elsewhere.example/private?token=t0k3n"},
        )
    lines = [line for line in run.log.read_text().splitlines() if "/api/tags" in line]
    [line] = lines  # the app's line, not also gunicorn's access log
    assert json.loads(line)["request_id"] == headers["X-Request-ID"]
    logged = run.log.read_text()
    for secret in ("someone", "elsewhere.example", "t0k3n"):
        assert secret not in logged


def test_a_request_line_is_written_within_a_second_while_the_server_runs(tmp_path, database_url):
    """Request lines are written in batches, but none waits for more traffic or for the worker
    to stop: a forked worker's timer writes each within ``REQUEST_LOG_FLUSH_SECONDS``."""
    with gunicorn(tmp_path, database_url) as run:
        _, headers, _ = run.request("GET", "/api/tags")
        deadline = time.monotonic() + REQUEST_LOG_FLUSH_SECONDS + 5  # slack for a busy machine
        while headers["X-Request-ID"] not in run.log.read_text():
            assert time.monotonic() < deadline, "no request line while the server runs"
            time.sleep(0.1)


def test_the_access_log_when_turned_on_has_the_path_only(tmp_path, database_url):
    access = tmp_path / "access.log"
    with gunicorn(tmp_path, database_url, GUNICORN_ACCESSLOG=str(access)) as run:
        _, headers, _ = run.request(
            "GET",
            "/api/tags?email=someone%40example.com",
            headers={"Referer": "https://elsewhere.example/", "User-Agent": "agent-007"},
        )
    [line] = access.read_text().splitlines()
    assert '"GET /api/tags HTTP/1.1" 200' in line and headers["X-Request-ID"] in line
    for secret in ("someone", "elsewhere.example", "agent-007"):
        assert secret not in line


def chunks(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def login_body(password_length: int) -> bytes:
    return json.dumps({"user": {"email": "a@b.co", "password": "x" * password_length}}).encode()


def test_a_chunked_body_over_1_mib_is_413(tmp_path, database_url):
    # No Content-Length: werkzeug stops reading at MAX_CONTENT_LENGTH without an error, so the
    # JSON was cut short and answered 400 "Invalid JSON body.".
    headers = {"Content-Type": "application/json"}
    exactly_1_mib = login_body(MIB - len(login_body(0)))
    assert len(exactly_1_mib) == MIB
    with gunicorn(tmp_path, database_url) as run:
        status, _, body = run.request("POST", "/api/users/login", chunks(login_body(MIB)), headers)
        assert (status, json.loads(body)) == (413, TOO_LARGE)
        # Up to the limit, a chunked body is read whole, as one with a Content-Length.
        status, _, body = run.request("POST", "/api/users/login", chunks(exactly_1_mib), headers)
        assert (status, json.loads(body)) == (422, {"errors": {"password": [TOO_LONG]}})
        status, _, body = run.request("POST", "/api/users/login", chunks(login_body(10)), headers)
        assert status == 401, body


def test_a_client_on_the_same_host_cannot_claim_https(tmp_path, database_url):
    """gunicorn believes X-Forwarded-Proto from loopback by default; only the app's PROXY_COUNT
    decides which proxies say how a request came in, so no HSTS over plain HTTP."""
    with gunicorn(tmp_path, database_url, PROXY_COUNT="0") as run:
        status, headers, _ = run.request("GET", "/api/tags", headers={"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "Strict-Transport-Security" not in headers
