"""Gunicorn settings; each can be overridden by the environment variable named beside it.

Without REDIS_URL cached values and rate-limit counters live in each process, so one worker
process serves (with threads): reads would stay correct with more (the content version is shared
through the instance folder, see myapp/caching.py), but each worker would count its own limits.
With Redis every process shares both, and the workers scale with the CPUs.
"""

import multiprocessing
import os
import shutil
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker

shared_cache = bool(os.environ.get("REDIS_URL"))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
default_workers = multiprocessing.cpu_count() * 2 + 1 if shared_cache else 1
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers))
threads = int(os.environ.get("GUNICORN_THREADS", 1 if shared_cache else 8))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
errorlog = "-"
# Whether a request came over HTTPS is the app's call (PROXY_COUNT, through ProxyFix), not
# gunicorn's: by default gunicorn believes X-Forwarded-Proto from any loopback client.
secure_scheme_headers: dict[str, str] = {}
# The app logs one line per request with its request id (myapp/monitoring.py), so gunicorn's
# access log is off unless asked for; then it has the path without the query string, and no
# Referer, User-Agent or Basic-auth user, as the docs promise (tokens travel in all of them).
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'

# No control socket (gunicorn 25.1+, for gunicornc): its default is one path per user, so every
# instance a user runs binds the same socket and the first to stop deletes it under the others.
# Signals (HUP, TERM, TTIN, TTOU) do what we need.
control_socket_disable = True

# Prometheus: every worker writes its numbers here, /metrics adds them up. "" counts as unset:
# prometheus_client would take it as set and write counter_<pid>.db into the working directory.
# A folder made here is removed when the master exits (on_exit), an operator's is kept; the
# marker tells them apart, and survives gunicorn running this file again on HUP.
METRICS_DIR, MADE_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR", "_CONDUIT_MADE_METRICS_DIR"
if not os.environ.get(METRICS_DIR):
    os.environ[METRICS_DIR] = os.environ[MADE_METRICS_DIR] = tempfile.mkdtemp(
        prefix="conduit-metrics-"
    )


def child_exit(server: "Arbiter", worker: "Worker") -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: "Arbiter") -> None:
    made = os.environ.get(MADE_METRICS_DIR)
    if not made or made != os.environ.get(METRICS_DIR):
        return  # the operator's folder
    # USR2 starts a new master with the environment gunicorn saved at its start or last HUP. If
    # that held this folder, old and new master share it while both run: the last one removes it.
    shared = server.cfg.env_orig.get(METRICS_DIR) == made
    if not (shared and (server.reexec_pid or server.master_pid)):
        shutil.rmtree(made, ignore_errors=True)
