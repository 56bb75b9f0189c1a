"""Gunicorn settings; each can be overridden by the environment variable named beside it.

Without REDIS_URL the cache lives inside the process, so one worker process serves (with
threads); with Redis every process shares the cache and the workers scale with the CPUs.
"""

import multiprocessing
import os
import tempfile

shared_cache = bool(os.environ.get("REDIS_URL"))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
default_workers = multiprocessing.cpu_count() * 2 + 1 if shared_cache else 1
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers))
threads = int(os.environ.get("GUNICORN_THREADS", 1 if shared_cache else 8))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"

# Prometheus: every worker writes its numbers here, /metrics adds them up.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="conduit-metrics-"))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
