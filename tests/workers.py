"""Real workers for the worker tests: a ``celery --app wsgi:celery_app worker -B`` subprocess
(its own process group, so that a SIGKILL takes its beat along), and an SMTP server (aiosmtpd)
in the test process that records what it accepted and can be told to be slow or to refuse."""

import asyncio
import contextlib
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar
from urllib.request import urlopen

from aiosmtpd.controller import Controller

from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# The worker's settings in every test: short enough that a test sees retries, leases running
# out and beat ticks within seconds.
FAST = {
    "PUBLISH_INTERVAL_SECONDS": "1",
    "OUTBOX_SWEEP_SECONDS": "1",
    "NOTIFICATION_RETRY_SECONDS": "0.5",
    "NOTIFICATION_MAX_ATTEMPTS": "3",
    "NOTIFICATION_LEASE_SECONDS": "30",
    "SMTP_TIMEOUT_SECONDS": "10",
}


def eventually(check: Callable[[], T], seconds: float = 20, what: str = "") -> T:
    """``check()``'s first true value, polled until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what or check}")
        time.sleep(0.05)


def unique_queue() -> str:
    """A broker queue of one test's own, so that tests (and test runs) sharing a broker never
    take each other's tasks."""
    return f"conduit-test-{uuid.uuid4().hex[:12]}"


def delete_queue(broker_url: str, name: str) -> None:
    """Leave no queue behind on a shared broker."""
    from kombu import Connection, Queue

    with contextlib.suppress(Exception), Connection(broker_url, connect_timeout=2) as connection:
        Queue(name, channel=connection.default_channel).delete()


# --- SMTP -----------------------------------------------------------------------------------


class Recorder:
    """aiosmtpd's handler. A message counts as received only when the server answered 250 to
    it on a connection still open: a client gone before the answer has not delivered it (a
    real mail server drops such a message)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[EmailMessage] = []
        self.arrived: list[str] = []  # Message-IDs whose DATA came in, answered or not
        self.delay = 0.0
        self.refuse_rcpt: str | None = None  # e.g. "451 4.3.0 Try again later"
        self.refuse_data: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.arrived.append(message["Message-ID"])
        if self.refuse_data:
            return self.refuse_data
        if self.delay:
            await asyncio.sleep(self.delay)  # cancelled if the client goes away meanwhile
        if session.peer is None or server.transport is None or server.transport.is_closing():
            return "451 4.4.2 Connection lost"
        with self.lock:
            self.received.append(message)
        return "250 OK"


class Mailbox:
    """An SMTP server on 127.0.0.1 that keeps what it received."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = Recorder()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
            wait_for_port(self.port, up=False)

    def reset(self) -> None:
        """Accept again, at once, and forget what was received."""
        self.handler.delay = 0.0
        self.handler.refuse_rcpt = self.handler.refuse_data = None
        with self.handler.lock:
            self.handler.received.clear()
            self.handler.arrived.clear()

    @property
    def received(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.received)

    def count(self, message_id: str) -> int:
        return Counter(m["Message-ID"] for m in self.received)[message_id]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if address in m["To"]]

    def arrived(self, message_id: str) -> bool:
        with self.handler.lock:
            return message_id in self.handler.arrived


# --- the worker -----------------------------------------------------------------------------


class Worker:
    """``celery --app wsgi:celery_app worker -B`` with ``settings`` in its environment."""

    def __init__(self, folder: Path, name: str = "worker", **settings: str) -> None:
        self.folder = folder
        self.name = name
        self.settings = settings
        self.metrics_port = int(settings.get("WORKER_METRICS_PORT", "0"))
        self.process: subprocess.Popen | None = None
        self.log = folder / f"{name}.log"
        self.starts = 0

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        env |= {
            "APP_ENV": "development",  # a real worker's settings, with the tests' secret key
            "SECRET_KEY": "testing-secret-key-not-for-production-use-0123456789",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "WORKER_METRICS_PORT": "0",
            "LOG_LEVEL": "INFO",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env |= FAST | self.settings
        return {k: v for k, v in env.items() if v != ""}  # "": unset

    def start(self) -> "Worker":
        command = [sys.executable, "-m", "celery", "--app", "wsgi:celery_app", "worker", "-B"]
        command += ["--schedule", str(self.folder / f"{self.name}-beat-schedule")]
        command += ["--loglevel", "INFO", "--without-mingle", "--without-gossip"]
        # A node name of its own: RabbitMQ lets one connection at a time hold a node's
        # remote-control queue, and other test runs on this host may have workers up.
        command += ["--hostname", f"{self.name}-{uuid.uuid4().hex[:12]}@%h"]
        self.starts += 1
        with open(self.log, "ab") as log:
            log.write(f"--- start {self.starts}\n".encode())
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(),
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # its own process group: the beat process too
            )
        eventually(
            lambda: self.text().count(" ready.") >= self.starts or self._exited(),
            seconds=30,
            what=f"{self.name} ready",
        )
        assert self.process.poll() is None, f"the worker exited:\n{self.text()[-3000:]}"
        return self

    def _exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL, to the whole group (worker and beat): no chance to clean anything up."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        self.kill()

    def metrics(self) -> str:
        with urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as response:
            return response.read().decode()

    def metric(self, name: str, **labels: str) -> float:
        """One sample of the worker's /metrics (0 when it has none yet)."""
        wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        for line in self.metrics().splitlines():
            match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
            if match and match[1] == name:
                found = ",".join(sorted((match[2] or "").split(","))) if match[2] else ""
                if found == wanted:
                    return float(match[3])
        return 0.0

    def __enter__(self) -> "Worker":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
