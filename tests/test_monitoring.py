"""Request ids, request logs, health checks, metrics, and a clear 503 when the database is gone."""

import io
import json
import logging
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families
from werkzeug.test import EnvironBuilder, run_wsgi_app

from myapp import create_app, monitoring
from myapp.monitoring import log_handler

DEAD_DATABASE = "postgresql://postgres@127.0.0.1:1/nothing"  # nothing listens on port 1
DEAD_REDIS = "redis://127.0.0.1:1/0"


def make_app(**settings):
    return create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"} | settings)


def sample(name: str, **labels: str) -> tuple[str, frozenset]:
    return name, frozenset(labels.items())


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Prometheus text as {(name, labels): value}, whatever order the labels come in."""
    return {
        sample(s.name, **s.labels): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


class TestRequestIds:
    def test_given_when_sane(self, client):
        response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert response.headers["X-Request-ID"] == "abc-123"

    @pytest.mark.parametrize("given", [None, "bad id with spaces", "x" * 200])
    def test_made_otherwise(self, client, given):
        headers = {"X-Request-ID": given} if given else {}
        request_id = client.get("/healthz", headers=headers).headers["X-Request-ID"]
        assert len(request_id) == 32 and request_id != given


class TestRequestLog:
    def test_one_line_per_request_with_its_fields(self, client, caplog):
        with caplog.at_level(logging.INFO, logger="myapp.requests"):
            client.get("/api/articles?limit=5", headers={"X-Request-ID": "req-1"})
        [record] = [r for r in caplog.records if r.name == "myapp.requests"]
        assert record.method == "GET"
        assert record.path == "/api/articles"  # no query string
        assert record.status == 200
        assert record.duration_ms >= 0
        assert record.request_id == "req-1"

    def test_passwords_and_tokens_never_reach_the_logs(self, client, factory, caplog):
        account = factory.user(password="a-secret-password")
        with caplog.at_level(logging.DEBUG):
            body = {"user": {"email": account.email, "password": "a-secret-password"}}
            token = client.post("/api/users/login", json=body).json["user"]["token"]
            client.get("/api/user", headers={"Authorization": f"Token {token}"})
            client.put(
                "/api/user", json={"user": {"password": "another-secret"}}, headers=account.headers
            )
        logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
        for secret in ("a-secret-password", "another-secret", token, account.token):
            assert secret not in logged

    def test_json_lines_in_production(self):
        app = create_app(
            {
                "APP_ENV": "production",
                "SECRET_KEY": "monitoring-test-secret-key-0123456789abcdef",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "PUBLIC_URL": "https://conduit.example.org",
            }
        )
        formatter = log_handler(app.config).formatter
        record = logging.LogRecord("myapp.requests", logging.INFO, "", 0, "request", None, None)
        record.__dict__.update(method="GET", path="/", status=200, duration_ms=1.5, request_id="r")
        line = json.loads(formatter.format(record))
        assert line["message"] == "request" and line["status"] == 200 and line["request_id"] == "r"
        assert app.config["LOG_FORMAT"] == "json"


class WriteCounter(io.StringIO):
    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)

    def lines(self) -> list[str]:
        return self.getvalue().splitlines()


class TestBatchedRequestLog:
    """Request lines go out in batches (one write for many), warnings at once, none late."""

    @pytest.fixture
    def logged(self, monkeypatch):
        stream = WriteCounter()
        target = logging.StreamHandler(stream)
        logger = logging.getLogger("tests.batched")
        monkeypatch.setattr(logger, "propagate", False)
        logger.setLevel(logging.INFO)

        def log_through(flush_seconds: float):
            monkeypatch.setattr(monitoring, "REQUEST_LOG_FLUSH_SECONDS", flush_seconds)
            logger.handlers[:] = [monitoring.BatchedHandler(target)]
            return logger

        yield log_through, stream
        for handler in logger.handlers:
            handler.close()
        logger.handlers.clear()

    def test_lines_wait_for_a_batch_and_a_warning_goes_out_at_once_after_them(self, logged):
        log_through, stream = logged
        written = stream.lines
        logger = log_through(3600)
        logger.info("first")
        logger.info("second")
        assert written() == []
        logger.warning("trouble")
        assert written() == ["first", "second", "trouble"]
        for number in range(monitoring.REQUEST_LOG_BATCH):
            logger.info(f"line {number}")
        assert len(written()) == 3 + monitoring.REQUEST_LOG_BATCH  # a full batch is written
        assert stream.writes == 2  # one write a batch

    def test_a_line_is_written_within_the_flush_interval_without_more_lines(self, logged):
        log_through, stream = logged
        written = stream.lines
        logger = log_through(0.2)
        logger.info("alone")
        deadline = time.monotonic() + 5
        while not written() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert written() == ["alone"]

    @pytest.fixture
    def request_lines(self, monkeypatch):
        """``myapp.requests`` logging in batches, as ``configure_logging`` sets it up, to a
        stream; the batch is written only when due or flushed. Yields the handler, the stream
        and the records formatted, in order."""
        stream, formatted = WriteCounter(), []

        class Target(logging.StreamHandler):
            def format(self, record):
                formatted.append(record)
                return super().format(record)

        target = Target(stream)
        target.setFormatter(monitoring.TextFormatter())
        monkeypatch.setattr(monitoring, "REQUEST_LOG_FLUSH_SECONDS", 3600)

        def batched_by(batch: int) -> monitoring.BatchedHandler:
            monkeypatch.setattr(monitoring, "REQUEST_LOG_BATCH", batch)
            batched = monitoring.BatchedHandler(target)
            monkeypatch.setattr(monitoring.request_log, "handlers", [batched])
            monkeypatch.setattr(monitoring.request_log, "propagate", False)
            monkeypatch.setattr(monitoring.request_log, "level", logging.INFO)
            return batched

        yield batched_by, stream, formatted
        for handler in monitoring.request_log.handlers:
            handler.close()

    def test_a_requests_line_waits_as_its_fields_and_is_written_with_its_own_time(
        self, client, request_lines
    ):
        """A request Flask answers makes no record until its batch is written; the line then
        says what the record made at once would have."""
        batched_by, stream, formatted = request_lines
        batched = batched_by(monitoring.REQUEST_LOG_BATCH)
        served_at = time.time()
        client.get("/api/articles?limit=5", headers={"X-Request-ID": "deferred-1"})
        assert stream.lines() == []
        assert [type(entry) for entry in batched.buffer] == [monitoring.DeferredLine]
        time.sleep(0.2)
        batched.flush()
        [line] = stream.lines()
        assert line.endswith(
            "request method=GET path=/api/articles status=200 "
            f"duration_ms={formatted[0].duration_ms} request_id=deferred-1 remote_addr=127.0.0.1"
        )
        [record] = formatted
        assert record.name == "myapp.requests" and record.levelno == logging.INFO
        assert served_at <= record.created < served_at + 0.2 and record.msecs < 1000

    def test_a_due_batch_is_written_once_the_server_closes_the_response(self, app, request_lines):
        """The request that makes a batch due does not wait for it: the batch is written when
        the server closes the response, after sending it (the anonymous hit of the response
        cache's too)."""
        batched_by, stream, _ = request_lines
        batched_by(2)

        def served(path: str) -> tuple[int, int]:
            """How many lines were written once the response was sent, and once closed."""
            statuses = []
            respond = lambda status, headers, exc_info=None: statuses.append(status)  # noqa: E731
            app_iter = app(EnvironBuilder(path=path).get_environ(), respond)
            assert b"".join(app_iter) and statuses == ["200 OK"]
            sent = len(stream.lines())
            if hasattr(app_iter, "close"):  # as a server does
                app_iter.close()
            return sent, len(stream.lines())

        assert served("/api/tags") == (0, 0)  # a miss of the response cache
        assert served("/api/tags") == (0, 2)  # a hit, which makes the batch due
        assert "cache=hit" in stream.lines()[1]
        assert served("/healthz") == (2, 2)
        assert served("/healthz") == (2, 4)  # Flask's answer
        assert stream.writes == 2


class TestChunkedBodies:
    """A body without Content-Length, as gunicorn passes a chunked one (tests/test_operations.py
    sends real chunked requests): werkzeug cut it at 1 MiB and the view saw malformed JSON."""

    def post(self, app, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        environ = EnvironBuilder(
            path=path, method="POST", data=body, content_type=content_type
        ).get_environ()
        del environ["CONTENT_LENGTH"]  # the test client would always send one
        environ["wsgi.input_terminated"] = True
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        app_iter, status, _ = run_wsgi_app(app, environ, buffered=True)
        return int(status.split()[0]), b"".join(app_iter).decode()

    def test_over_1_mib_is_413(self, app):
        body = json.dumps({"user": {"email": "a@b.co", "password": "x" * 1024 * 1024}}).encode()
        status, text = self.post(app, "/api/users/login", body, "application/json")
        assert status == 413
        assert json.loads(text) == {"errors": {"body": ["is too large (maximum is 1 MiB)"]}}
        status, text = self.post(app, "/login", b"x" * (1024 * 1024 + 1), "text/plain")
        assert status == 413 and "Too large" in text

    def test_within_the_limit_is_read_whole(self, app):
        body = json.dumps({"user": {"email": "a@b.co", "password": "wrong"}}).encode()
        assert self.post(app, "/api/users/login", body, "application/json")[0] == 401


class TestHealth:
    def test_healthz(self, client):
        assert client.get("/healthz").json == {"status": "ok"}

    def test_readyz(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json["status"] == "ok"
        assert response.json["checks"]["database"]["ok"] is True
        assert response.json["checks"]["cache"]["ok"] is True

    def test_readyz_reports_a_dead_database_and_cache(self):
        response = make_app(
            SQLALCHEMY_DATABASE_URI=DEAD_DATABASE, REDIS_URL=DEAD_REDIS
        ).test_client()
        response = response.get("/readyz")
        assert response.status_code == 503
        assert response.json["status"] == "unavailable"
        assert response.json["checks"]["database"]["ok"] is False
        assert response.json["checks"]["cache"]["ok"] is False


class TestDatabaseUnavailable:
    def test_api_answers_503_json(self):
        client = make_app(SQLALCHEMY_DATABASE_URI=DEAD_DATABASE).test_client()
        response = client.get("/api/articles")
        assert response.status_code == 503
        assert response.json == {"errors": {"database": ["is unavailable; try again in a moment"]}}
        assert response.headers["Retry-After"] == "5"

    def test_pages_answer_a_503_page(self):
        client = make_app(SQLALCHEMY_DATABASE_URI=DEAD_DATABASE).test_client()
        response = client.get("/")
        assert response.status_code == 503
        assert "<title>Temporarily unavailable — Conduit</title>" in response.get_data(as_text=True)


class TestMetrics:
    def test_counts_requests_by_endpoint_and_status(self, client):
        client.get("/api/tags")
        client.get("/api/articles/nothing-here")
        text = client.get("/metrics").get_data(as_text=True)
        assert 'flask_http_request_total{method="GET",status="200"}' in text
        assert 'endpoint="api.list_tags"' in text
        assert 'status="404"' in text
        assert "flask_http_request_duration_seconds_bucket" in text

    def test_times_each_request_once_by_method_endpoint_and_status(self):
        client = make_app().test_client()
        for _ in range(3):
            client.get("/healthz")
        client.post("/healthz")
        client.open("/healthz", method="MADEUP")
        found = samples(client.get("/metrics").get_data(as_text=True))
        healthz = {"method": "GET", "endpoint": "monitoring.healthz", "status": "200"}
        assert found[sample("flask_http_request_duration_seconds_count", **healthz)] == 3
        assert found[sample("flask_http_request_total", method="GET", status="200")] == 3
        assert found[sample("flask_http_request_total", method="POST", status="405")] == 1
        # A method is the client's to choose: any other counts as one, adding no series.
        assert found[sample("flask_http_request_total", method="other", status="405")] == 1
        assert not any("MADEUP" in dict(labels).values() for _, labels in found)

    def test_counts_a_request_that_raised(self):
        app = make_app(PROPAGATE_EXCEPTIONS=False)

        @app.get("/boom")
        def boom():
            raise RuntimeError("boom")

        client = app.test_client()
        assert client.get("/boom").status_code == 500
        found = samples(client.get("/metrics").get_data(as_text=True))
        assert found[sample("flask_http_request_exceptions_total", method="GET", status="500")] == 1
        assert found[sample("flask_http_request_total", method="GET", status="500")] == 1

    def test_only_from_allowed_networks(self, client):
        outsider = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert outsider.status_code == 404

    def test_can_be_turned_off(self):
        assert make_app(METRICS_ENABLED=False).test_client().get("/metrics").status_code == 404
