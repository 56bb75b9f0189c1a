"""docs/nginx.conf works: nginx serves static files itself and proxies the rest to gunicorn."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


def fetch(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def stack(tmp_path, database_url):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not nginx:
        pytest.skip("this test needs nginx (apt-get install nginx)")
    app_port, web_port = free_port(), free_port()
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "nginx-test-secret-key-0123456789abcdef",
        "PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESSLOG": str(tmp_path / "gunicorn-access.log"),
    }
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site = (ROOT / "docs" / "nginx.conf").read_text()
    site = site.replace("server 127.0.0.1:8000", f"server 127.0.0.1:{app_port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{web_port};")
    site = site.replace("/srv/conduit/", f"{ROOT}/")
    site = site.replace("/var/cache/nginx/conduit", f"{tmp_path}/cache")
    (tmp_path / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
error_log {tmp_path}/error.log;
pid {tmp_path}/nginx.pid;
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    web = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(app_port, up=True, seconds=30)
        wait_for_port(web_port, up=True)
        yield f"http://127.0.0.1:{web_port}", tmp_path
    finally:
        web.terminate()
        gunicorn.terminate()
        web.wait(10)
        gunicorn.wait(30)


def test_static_files_come_from_nginx_the_rest_from_gunicorn(stack):
    base, logs = stack
    status, headers, body = fetch(f"{base}/static/style.css")
    assert status == 200 and b"Conduit's own stylesheet" in body
    assert headers["Server"].startswith("nginx")
    assert "X-Request-ID" not in headers  # the app never saw it
    assert "style.css" not in (logs / "gunicorn-access.log").read_text()

    status, headers, body = fetch(f"{base}/api/tags")
    assert status == 200 and body.startswith(b'{"tags"')
    assert "Content-Security-Policy" in headers  # the app's headers pass through
    status, _, body = fetch(f"{base}/")
    assert status == 200 and b"conduit" in body


def test_the_app_sees_the_client_and_the_scheme_through_the_proxy(stack):
    base, logs = stack
    _, headers, _ = fetch(f"{base}/login", headers={"X-Forwarded-Proto": "https"})
    # nginx sets X-Forwarded-Proto from its own scheme (http here), whatever the client says.
    assert "Secure" not in headers["Set-Cookie"]
    assert len(headers["X-Request-ID"]) == 32  # nginx's $request_id, kept by the app
    time.sleep(0.2)
    assert "127.0.0.1" in (logs / "gunicorn-access.log").read_text()


def test_text_is_compressed_by_nginx_for_static_files_and_by_the_app_for_the_rest(stack):
    import gzip

    import brotli

    base, _ = stack
    _, plain_headers, plain = fetch(f"{base}/static/style.css")
    assert "Content-Encoding" not in plain_headers  # a client that asks for nothing gets bytes
    status, headers, body = fetch(f"{base}/static/style.css", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 2

    _, plain_headers, plain = fetch(f"{base}/")
    assert "Content-Encoding" not in plain_headers
    status, headers, body = fetch(f"{base}/", {"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers["Content-Encoding"] == "br"  # the app's own, passed through
    assert brotli.decompress(body).startswith(b"<!doctype html>")


def call(url: str, headers: dict[str, str] | None = None, body: dict | None = None):
    """(status, headers, body) of a request, errors included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_micro_cache_keeps_anonymous_public_reads(stack):
    base, _ = stack
    first = fetch(f"{base}/api/tags")
    second = fetch(f"{base}/api/tags")
    assert first[1]["X-Cache-Status"] == "MISS" and second[1]["X-Cache-Status"] == "HIT"
    assert first[2] == second[2]
    assert first[1]["X-Request-ID"] != second[1]["X-Request-ID"]  # each request its own
    assert second[1]["Cache-Control"] == "public, max-age=0, s-maxage=5"


def test_the_micro_cache_never_keeps_or_serves_anything_personal(stack):
    base, _ = stack
    user = {"username": "micro", "email": "micro@example.com", "password": "micro-password-1"}
    status, _, body = call(f"{base}/api/users", body={"user": user})
    assert status == 201, body
    token = json.loads(body)["user"]["token"]
    status, _, body = call(
        f"{base}/api/articles",
        {"Authorization": f"Token {token}"},
        {"article": {"title": "Mine", "description": "d", "body": "b"}},
    )
    assert status == 201, body
    call(f"{base}/api/articles/mine/favorite", {"Authorization": f"Token {token}"}, {})

    fetch(f"{base}/api/articles")
    assert fetch(f"{base}/api/articles")[1]["X-Cache-Status"] == "HIT"
    # With a token: past the cache, to the app, and the answer is the reader's own.
    _, headers, body = fetch(f"{base}/api/articles", {"Authorization": f"Token {token}"})
    assert headers["X-Cache-Status"] == "BYPASS" and headers["Cache-Control"] == "private"
    assert json.loads(body)["articles"][0]["favorited"] is True
    # ... and it was not kept for the next visitor.
    _, headers, body = fetch(f"{base}/api/articles")
    assert json.loads(body)["articles"][0]["favorited"] is False
    # A session cookie also goes past it.
    _, headers, _ = fetch(f"{base}/", {"Cookie": "session=anything"})
    assert headers["X-Cache-Status"] == "BYPASS"
    # A page with a form (a CSRF token in a new session cookie) is never kept.
    for _ in range(2):
        _, headers, _ = fetch(f"{base}/login")
        assert headers["X-Cache-Status"] == "MISS" and "Set-Cookie" in headers
        assert headers["Cache-Control"] == "private"
