"""The Celery app, made the Flask way: every task runs inside the app context.

``wsgi.celery_app`` is what ``celery --app wsgi:celery_app worker`` and ``... beat`` load. The
broker is ``CELERY_BROKER_URL``, else ``REDIS_URL``, else a SQLite file in the instance folder
(kombu's SQLAlchemy transport), so ``make run`` needs no server; the sweep deletes the messages it
has handed out, which that transport would keep for ever. ``WORKER_QUEUE`` names the queue, so
sites (or test runs) can share a broker. Results are not stored: no feature reads them.

Delivery is at least once: tasks are acknowledged after they ran (``acks_late``) and given
back when their worker dies (``task_reject_on_worker_lost``), so every task is idempotent, and
whatever a lost message carried is found again by the tasks beat runs (myapp/tasks.py).
"""

import logging
import os
import queue as queue_module
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Celery, Task, signals
from flask import Flask, current_app, g, has_app_context, has_request_context
from prometheus_client import CollectorRegistry, Counter, start_http_server
from sqlalchemy import create_engine, inspect, text

from myapp.monitoring import current_request_id

log = logging.getLogger(__name__)


def broker_url(config: dict[str, Any], instance_path: str) -> str:
    url = config.get("CELERY_BROKER_URL") or config.get("REDIS_URL")
    return url or f"sqla+sqlite:///{os.path.join(instance_path, 'broker.sqlite')}"


def celery_settings(app: Flask) -> dict[str, Any]:
    """Celery's settings, from the app's."""
    config = app.config
    url = broker_url(config, app.instance_path)
    # A broker that is down fails a publish at once: without this kombu retries connecting for
    # broker_connection_timeout (2 s, with sleeps) even though task_publish_retry is off. The
    # worker's own connection loop retries on its own terms.
    options: dict[str, Any] = {"max_retries": 0}
    if url.startswith(("redis", "rediss")):
        # A task unacknowledged this long (its worker vanished) is handed to another worker.
        options |= {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
    elif url.startswith("sqla+sqlite:///"):
        # The embedded broker's connections (kombu passes these options to create_engine).
        path = url.removeprefix("sqla+sqlite:///")
        options["creator"] = lambda: sqlite_broker_connection(path)
    return {
        "broker_url": url,
        "broker_transport_options": options,
        "task_default_queue": config["WORKER_QUEUE"],
        "broker_connection_timeout": 2,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "result_backend": None,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # I/O-bound tasks (database, SMTP): threads share one process, its database pool and
        # its metrics. A broker that is down must not hold a request: no publish retries (the
        # outbox sweep sends what could not be queued).
        "worker_pool": "threads",
        "worker_concurrency": config["WORKER_CONCURRENCY"],
        "worker_hijack_root_logger": False,
        "task_publish_retry": False,
        "task_always_eager": config["CELERY_TASK_ALWAYS_EAGER"],
        "task_eager_propagates": True,
        "timezone": "UTC",
        "enable_utc": True,
        "beat_schedule_filename": os.path.join(app.instance_path, "celerybeat-schedule"),
        "beat_schedule": {
            "publish-due-articles": {
                "task": "myapp.tasks.publish_due_articles",
                "schedule": timedelta(seconds=config["PUBLISH_INTERVAL_SECONDS"]),
            },
            "sweep-outbox": {
                "task": "myapp.tasks.sweep_outbox",
                "schedule": timedelta(seconds=config["OUTBOX_SWEEP_SECONDS"]),
            },
            "lift-suspensions": {
                "task": "myapp.tasks.lift_expired_suspensions",
                "schedule": timedelta(seconds=config["PUBLISH_INTERVAL_SECONDS"]),
            },
            "refresh-related": {
                "task": "myapp.tasks.refresh_related",
                "schedule": timedelta(seconds=config["RELATED_SWEEP_SECONDS"]),
            },
        },
    }


def sqlite_broker_connection(path: str) -> sqlite3.Connection:
    """A connection to the embedded broker's file, set up as the app's database is: WAL, so
    the web's publishing and the worker's polling do not wait for each other, and no fsync at
    every commit (a message lost to a power cut is found again by the sweep, as its outbox row
    is still pending)."""
    connection = sqlite3.connect(path, timeout=15, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def forget_consumed_messages(celery: Celery) -> int:
    """Delete the messages the embedded broker has handed out; how many. kombu's SQLAlchemy
    transport keeps each one (``visible`` false) for ever, so the file would grow by every task,
    beat's included; the transport never reads them again (a message given back by a worker that
    stops is written anew)."""
    url = celery.conf.broker_url or ""
    if not url.startswith("sqla+"):
        return 0
    engine = create_engine(url.removeprefix("sqla+"))
    try:
        with engine.begin() as connection:
            if not inspect(connection).has_table("kombu_message"):
                return 0
            deleted = connection.execute(
                text("DELETE FROM kombu_message WHERE visible = :handed_out"), {"handed_out": False}
            )
            return deleted.rowcount
    finally:
        engine.dispose()


def celery_init_app(app: Flask) -> Celery:
    """The Celery app for ``app`` (Flask's documented pattern), kept in ``app.extensions``."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_settings(app))
    celery.set_default()
    celery.flask_app = app  # type: ignore[attr-defined]
    app.extensions["celery"] = celery
    import myapp.tasks  # noqa: F401 - registers the tasks

    return celery


def queue(task: Any, *args: Any, request_id: str | None = None) -> bool:
    """Send ``task(*args)`` to the broker, with the current request's id; False if the broker
    refused (the caller's outbox row stays pending and the sweep sends it later)."""
    if request_id is None and has_request_context():
        request_id = g.get("request_id")
    if has_app_context():
        # The task of this app's Celery: a task from ``shared_task`` goes to the Celery app made
        # last, which is another Flask app's when a process makes several (the tests do).
        task = current_app.extensions["celery"].tasks[task.name]
    try:
        task.apply_async(args, headers={"request_id": request_id})
    except Exception as error:  # any broker failure: the work is on record, not lost
        log.warning("could not queue %s: %s: %s", task.name, type(error).__name__, error)
        return False
    return True


BATCH_SECONDS = 0.2  # how long the publisher gathers ids into one message
BATCH_SIZE = 500
Job = tuple[Celery, str, list[int], str | None]  # (app, task name, ids, request id)


class Publisher:
    """Sends the web's batch tasks (a task taking a list of ids) to the broker from one
    background thread per process.

    A request never waits for the broker, nor does the next request on its keep-alive
    connection (gunicorn reads it only once the last one's close callbacks are done). The ids
    submitted for a task within ``BATCH_SECONDS`` of each other go as one message: under load
    the web sends a message per batch, not per write, and so a comment costs its request little
    more than its outbox row. Whatever is still waiting when the process stops is not lost: the
    work is on record (a pending outbox row, an article changed since its related articles were
    computed), and the worker's sweeps queue it."""

    def __init__(self) -> None:
        self.jobs: queue_module.SimpleQueue[Job] = queue_module.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.lock = threading.Lock()

    def submit(self, job: Job) -> None:
        with self.lock:
            if self.thread is None or self.pid != os.getpid():  # none yet, or forked since
                self.jobs = queue_module.SimpleQueue()
                self.thread = threading.Thread(
                    target=self._run, args=(self.jobs,), name="broker-publisher", daemon=True
                )
                self.pid = os.getpid()
                self.thread.start()
        self.jobs.put(job)

    @staticmethod
    def _run(jobs: "queue_module.SimpleQueue[Job]") -> None:
        while True:
            batch = [jobs.get()]
            time.sleep(BATCH_SECONDS)  # let the writes of the next moments join this message
            while not jobs.empty():
                batch.append(jobs.get())
            by_task: dict[tuple[Celery, str], tuple[list[int], set[str | None]]] = {}
            for celery, name, ids, request_id in batch:
                gathered, request_ids = by_task.setdefault((celery, name), ([], set()))
                gathered.extend(ids)
                request_ids.add(request_id)
            for (celery, name), (ids, request_ids) in by_task.items():
                # One request's batch carries its id; the rows carry theirs in any case.
                request_id = request_ids.pop() if len(request_ids) == 1 else None
                for start in range(0, len(ids), BATCH_SIZE):
                    chunk = ids[start : start + BATCH_SIZE]
                    try:
                        queue(celery.tasks[name], chunk, request_id=request_id)
                    except Exception:  # queue() logs broker failures; nothing may stop us
                        log.exception("publishing to the broker failed")


publisher = Publisher()


def send_later(task_name: str, ids: list[int], request_id: str | None = None) -> None:
    """Have the worker run the batch task ``task_name`` on ``ids``, without holding up the
    request: through the publisher during a request; at once elsewhere (CLI, worker) and in
    eager mode."""
    celery = current_app.extensions["celery"]
    if request_id is None and has_request_context():
        request_id = g.get("request_id")
    if has_request_context() and not celery.conf.task_always_eager:
        publisher.submit((celery, task_name, ids, request_id))
    else:
        queue(celery.tasks[task_name], ids, request_id=request_id)


# --- logs and metrics -----------------------------------------------------------------------

registry = CollectorRegistry()
TASKS = Counter(
    "conduit_tasks",
    "Tasks run by the worker, by name and outcome",
    ["task", "outcome"],
    registry=registry,
)


@signals.task_prerun.connect
def _task_started(task: Task | None = None, **_: Any) -> None:
    current_request_id.set(task.request.get("request_id") if task is not None else None)


@signals.task_postrun.connect
def _task_finished(**_: Any) -> None:
    current_request_id.set(None)


def _count(outcome: str) -> Callable[..., None]:
    def count(sender: Any = None, **_: Any) -> None:
        name = getattr(sender, "name", None) or str(sender)
        TASKS.labels(task=name, outcome=outcome).inc()

    return count


for _signal, _outcome in (
    (signals.task_success, "success"),
    (signals.task_failure, "failure"),
    (signals.task_retry, "retry"),
):
    _signal.connect(_count(_outcome), weak=False)


@signals.worker_ready.connect
def _serve_metrics(sender: Any = None, **_: Any) -> None:
    """The worker's own /metrics (tasks by name and outcome, the outbox backlog), on
    ``WORKER_METRICS_PORT`` (0: none)."""
    from myapp.notifications.metrics import OutboxCollector

    flask_app = sender.app.flask_app if sender is not None else None
    port = flask_app.config["WORKER_METRICS_PORT"] if flask_app is not None else 0
    if not port:
        return
    registry.register(OutboxCollector(flask_app))
    try:
        start_http_server(port, addr="127.0.0.1", registry=registry)
    except OSError as error:  # another worker on this host has the port
        log.warning("worker metrics not served on port %s: %s", port, error)
