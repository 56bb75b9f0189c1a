"""Operations: request ids and one structured log line per request, health checks, metrics.

- Every response carries ``X-Request-ID`` (the caller's, when it sent a sane one).
- One log line per request with method, path, status, duration and request id: JSON in
  production, ``key=value`` text otherwise. Only the path is logged, never a query string,
  body or header (Referer included), so passwords and tokens cannot reach the logs. It is the
  only request log: gunicorn's access log is off unless ``GUNICORN_ACCESSLOG`` turns it on.
  Request lines are written in batches, each within a second (``BatchedHandler``); any other
  line at once.
- A body sent without ``Content-Length`` (chunked) over ``MAX_CONTENT_LENGTH`` gets 413, as one
  with a ``Content-Length`` does.
- ``/healthz``: the process answers. ``/readyz``: the database, the cache and the worker's broker
  answer (503 if not).
- ``/metrics``: Prometheus request counts and latencies by endpoint and status, from every
  gunicorn worker (``PROMETHEUS_MULTIPROC_DIR``, which must be an absolute folder when set), for
  the networks in ``METRICS_ALLOWED_NETWORKS``, with the outbox backlog. The worker serves its own
  (tasks by name and outcome) on ``WORKER_METRICS_PORT``.
"""

import contextvars
import ipaddress
import logging
import os
import random
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from logging.handlers import MemoryHandler
from typing import Any, NamedTuple

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    got_request_exception,
    jsonify,
    request,
)
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from pythonjsonlogger.orjson import OrjsonFormatter
from sqlalchemy import text
from werkzeug.exceptions import RequestEntityTooLarge

from myapp.extensions import cache, db

bp = Blueprint("monitoring", __name__)
request_log = logging.getLogger("myapp.requests")
REQUEST_LOG_BATCH = 64
REQUEST_LOG_FLUSH_SECONDS = 1.0
REQUEST_LOG_HELD = 16 * REQUEST_LOG_BATCH  # request lines kept at most, however late their writer
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
FIELDS = ("method", "path", "status", "duration_ms", "request_id", "remote_addr", "cache", "task")

# Outside a request (a worker's task), the id of the request that caused the work.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request_id", default=None
)


class RequestIdFilter(logging.Filter):
    """Gives a task's log lines the id of the request that queued it (myapp/worker.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id.get()
        if request_id and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


# --- request ids and request logs --------------------------------------------------------------


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{name}={getattr(record, name)}" for name in FIELDS if hasattr(record, name)
        )
        return (
            f"{self.formatTime(record)} {record.levelname} {record.getMessage()} {fields}".rstrip()
        )


def log_handler(config: Mapping[str, Any]) -> logging.StreamHandler:
    """A stderr handler writing JSON lines (``LOG_FORMAT=json``) or ``key=value`` text."""
    if config["LOG_FORMAT"] == "json":
        formatter: logging.Formatter = OrjsonFormatter(
            "{asctime}{levelname}{name}{message}", style="{", rename_fields={"asctime": "time"}
        )
    else:
        formatter = TextFormatter()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler


class BatchedHandler(MemoryHandler):
    """Writes the request lines in batches, as nginx's ``access_log ... buffer= flush=`` does:
    every ``REQUEST_LOG_BATCH`` lines, and at least every ``REQUEST_LOG_FLUSH_SECONDS``, each
    batch in one write.

    A write to stderr is a system call, on which a busy worker also hands the GIL to another
    thread: one a request made a cached hit cost 5-10 % more. Lines keep the time they were
    logged; a line of this logger at WARNING or above is written at once, after those before it.

    A request's own line (``log_request``) waits as its fields alone, and becomes a record when
    its batch is written, once the response of the request that made it due is sent. Making the
    record and passing it through the logger takes 4 µs in a loop, but a served request runs
    with the CPU's caches cold, where every distinct function it calls costs several times more:
    deferred, and formatted by orjson, a gunicorn worker spent 15-20 µs less CPU a request
    (docs/benchmarks.md).
    """

    target: logging.StreamHandler

    def __init__(self, target: logging.StreamHandler) -> None:
        super().__init__(REQUEST_LOG_BATCH, flushLevel=logging.WARNING, target=target)
        self.writing = threading.Lock()  # one batch at a time, in order
        self._start_timer()
        os.register_at_fork(after_in_child=self._start_timer)  # a fork keeps no thread

    def handle(self, record: logging.LogRecord) -> bool:
        """Keep the line; write the batch when it is due, without holding up other threads'
        lines meanwhile (``Handler.handle`` would format and write it under the lock)."""
        if not self.filter(record):
            return False
        with self.lock:
            self.buffer.append(record)
            due = self.shouldFlush(record)
        if due:
            self.flush()
        return True

    def defer(self, line: "DeferredLine") -> bool:
        """Keep a request's line as its fields; whether its batch is due. The caller has it
        written once its response is sent (``log_request``), so that no request waits for a
        batch; past ``REQUEST_LOG_HELD`` lines (nobody wrote them) it is written here."""
        with self.lock:
            self.buffer.append(line)  # type: ignore[arg-type]  # made a record in flush()
            held = len(self.buffer)
        if held >= REQUEST_LOG_HELD:
            self.flush()
        return held >= self.capacity

    def flush(self) -> None:
        with self.writing:
            with self.lock:
                entries, self.buffer = self.buffer, []
                target = self.target
            if not entries or target is None:
                return
            lines = []
            for entry in entries:
                if isinstance(entry, DeferredLine):
                    record = entry.record()
                    if not self.filter(record):  # as handle() does for a record
                        continue
                else:
                    record = entry
                if target.filter(record):
                    try:
                        lines.append(target.format(record) + target.terminator)
                    except Exception:  # as StreamHandler.emit: report it, lose only this line
                        target.handleError(record)
            with target.lock:
                target.stream.write("".join(lines))
                target.flush()

    def _start_timer(self) -> None:
        threading.Thread(target=self._flush_often, name="request-log", daemon=True).start()

    def _flush_often(self) -> None:
        while True:
            time.sleep(REQUEST_LOG_FLUSH_SECONDS)
            self.flush()


class DeferredLine(NamedTuple):
    """A request's line before it is a record: when, on which logger, with which fields."""

    created: float
    logger: logging.Logger
    fields: dict[str, Any]

    def record(self) -> logging.LogRecord:
        """The record ``logger.info("request", extra=fields)`` would have made at ``created``."""
        record = self.logger.makeRecord(
            self.logger.name, logging.INFO, "(unknown file)", 0, "request", (), None
        )
        record.__dict__.update(self.fields)
        record.created = self.created
        record.msecs = int((self.created - int(self.created)) * 1000) + 0.0
        return record


def log_request(fields: dict[str, Any]) -> Callable[[], None] | None:
    """The request's line on ``myapp.requests``: deferred to its batch when the process logs in
    batches (``configure_logging``), else logged at once. Returns the batch's writer when the
    batch is due, for the caller to run once the response is sent (when the server closes it,
    as WSGI has it): the request that makes a batch due does not wait for its 64 lines."""
    if not request_log.isEnabledFor(logging.INFO):
        return None
    handlers = request_log.handlers
    if len(handlers) == 1 and isinstance(handlers[0], BatchedHandler):
        batched = handlers[0]
        due = batched.defer(DeferredLine(time.time(), request_log, fields))
        return batched.flush if due else None
    request_log.info("request", extra=fields)
    return None


def configure_logging(config: Mapping[str, Any]) -> None:
    """Send the app's logs to stderr: the request lines in batches, anything else at once.
    Logging belongs to the process, not to one app, so the entry point (wsgi.py) calls this
    once; the factory leaves logging alone."""
    # No formatter here prints where a line was logged from: skip the stack walk that finds it
    # on every record (the logging HOWTO's "Optimization" section).
    logging._srcfile = None
    handler = log_handler(config)
    myapp_log = logging.getLogger("myapp")
    myapp_log.handlers[:] = [handler]
    myapp_log.setLevel(config["LOG_LEVEL"])
    myapp_log.propagate = False
    for old in request_log.handlers:
        old.close()
    request_log.handlers[:] = [BatchedHandler(handler)]
    request_log.propagate = False


def new_request_id() -> str:
    """32 random hex digits, as ``uuid4().hex`` gives. An id is no secret, so Python's generator
    (seeded in each process, and again after a fork) makes it without the system call that
    ``os.urandom`` costs every request."""
    return f"{random.getrandbits(128):032x}"


def start_request() -> None:
    """The one pass before every view: time it, give it its request id, then refuse what no
    view should parse."""
    started = time.perf_counter()
    given = request.environ.get("HTTP_X_REQUEST_ID", "")
    here = g._get_current_object()  # these hooks run on every request: one lookup, not four
    here.started = started
    here.request_id = given if REQUEST_ID.match(given) else new_request_id()
    refuse_nul_characters()
    refuse_long_stream()


def refuse_nul_characters() -> None:
    """No real URL holds a NUL character, and no database stores one in text: refuse it early."""
    if "\x00" in request.path or "%00" in request.query_string.decode("latin-1"):
        abort(400, "may not contain NUL characters")


def refuse_long_stream() -> None:
    """413 for a body over MAX_CONTENT_LENGTH sent without Content-Length (chunked).

    Werkzeug reads such a body through a stream that stops at the limit without an error
    (``LimitedStream.readall``), so the view parsed a truncated body and answered 400. Read it
    here, up to the limit and cached for the view, then look for one byte more.
    """
    if "chunked" not in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return  # no body at all (a GET), or one with Content-Length, which werkzeug checks
    if request.content_length is not None or "wsgi.input_terminated" not in request.environ:
        return  # Content-Length is checked by werkzeug; no termination means werkzeug reads none
    if request.max_content_length is None:
        return
    request.get_data(cache=True)
    if request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def finish_request(response: Response) -> Response:
    """The one pass after every other: the request id, the request's metrics and its log line."""
    here, answered = g._get_current_object(), request._get_current_object()
    request_id = here.get("request_id")
    response.headers["X-Request-ID"] = request_id or ""
    seconds = time.perf_counter() - here.get("started", time.perf_counter())
    method, endpoint, status = answered.method, answered.endpoint, response.status_code
    if (metrics := current_app.extensions.get("request_metrics")) is not None:
        metrics.observe(method, endpoint, status, seconds)
    if endpoint != "static":
        write_batch = log_request(
            {
                "method": method,
                "path": answered.path,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "request_id": request_id,
                "remote_addr": answered.environ.get("REMOTE_ADDR"),
            }
        )
        if write_batch is not None:
            response.call_on_close(write_batch)
    return response


# --- health ---------------------------------------------------------------------------------------


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


def _check(probe) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # readiness reports any failure, whatever its kind
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _probe_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    if not cache.set(key, "1", timeout=10) or cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)


def _probe_broker() -> None:
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        return  # no broker: tasks run in the caller (unit tests)
    with celery.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks = {
        "database": _check(lambda: db.session.execute(text("SELECT 1"))),
        "cache": _check(_probe_cache),
        "broker": _check(_probe_broker),
    }
    db.session.remove()
    ready = all(check["ok"] for check in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


# --- metrics --------------------------------------------------------------------------------------


class RequestMetrics:
    """Request counts and latencies, by method, endpoint and status, under the names
    prometheus-flask-exporter gave them (``flask_http_request_*``).

    Observed in ``finish_request`` with the duration the log line reports, not in hooks of
    their own: the exporter's pair cost a signed-in read 45 µs in-process, mostly looking up
    its flags on the request and its labels by name. Each combination's series are looked up
    once; a method no view has counts as "other", so that a client cannot add series."""

    METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

    def __init__(self, registry: CollectorRegistry) -> None:
        self.duration = Histogram(
            "flask_http_request_duration_seconds",
            "Flask HTTP request duration in seconds",
            ["method", "endpoint", "status"],
            registry=registry,
        )
        self.total = Counter(
            "flask_http_request_total",
            "Total number of HTTP requests",
            ["method", "status"],
            registry=registry,
        )
        self.exceptions = Counter(
            "flask_http_request_exceptions_total",
            "Total number of HTTP requests which resulted in an exception",
            ["method", "status"],
            registry=registry,
        )
        self.series: dict[tuple[str, str | None, int], tuple[Any, Any]] = {}

    def observe(self, method: str, endpoint: str | None, status: int, seconds: float) -> None:
        if method not in self.METHODS:
            method = "other"
        key = (method, endpoint, status)
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = (
                self.duration.labels(method, str(endpoint), str(status)),
                self.total.labels(method, str(status)),
            )
        series[0].observe(seconds)
        series[1].inc()

    def count_exception(self, _app: Flask, **_extra: Any) -> None:
        """A view raised what no handler turned into an answer (a 500)."""
        method = request.method if request.method in self.METHODS else "other"
        self.exceptions.labels(method, "500").inc()


def _allowed(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in current_app.extensions["metrics_networks"])


@bp.get("/metrics")
def metrics() -> Response:
    if not current_app.config["METRICS_ENABLED"] or not _allowed(request.remote_addr):
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn: add up every worker's numbers
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = current_app.extensions["metrics_registry"]
    body = generate_latest(registry) + generate_latest(current_app.extensions["outbox_registry"])
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def check_multiprocess_dir() -> None:
    """prometheus_client writes files into PROMETHEUS_MULTIPROC_DIR whenever it is set, even to
    "": then into the working directory (the checkout once got counter_<pid>.db files so)."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path is not None and not (os.path.isabs(path) and os.path.isdir(path)):
        raise RuntimeError(
            f"PROMETHEUS_MULTIPROC_DIR must be an absolute path to a folder, not {path!r}; "
            "unset it to keep the metrics in the process"
        )


def init_app(app: Flask) -> None:
    # First, so that every later answer has a request id, and no other hook reads a body first.
    app.before_request(start_request)
    app.after_request(finish_request)
    app.register_blueprint(bp)
    if app.config["METRICS_ENABLED"]:
        check_multiprocess_dir()  # before the first metric makes its file
        registry = CollectorRegistry()  # one per app, so several apps can live in one process
        app.extensions["request_metrics"] = metrics = RequestMetrics(registry)
        got_request_exception.connect(metrics.count_exception, app, weak=False)
        app.extensions["metrics_registry"] = registry
        from myapp.notifications.metrics import OutboxCollector

        app.extensions["outbox_registry"] = outbox = CollectorRegistry()
        outbox.register(OutboxCollector(app))
        app.extensions["metrics_networks"] = [
            ipaddress.ip_network(n.strip())
            for n in app.config["METRICS_ALLOWED_NETWORKS"].split(",")
        ]
