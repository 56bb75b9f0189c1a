"""Gunicorn settings; each can be overridden by the environment variable named beside it.

Without REDIS_URL cached values and rate-limit counters live in each process, so one worker
process serves (with threads): reads would stay correct with more (the content version is shared
through the instance folder, see myapp/caching.py), but each worker would count its own limits.
With Redis every process shares both, and the workers scale with the CPUs.

Memory (issue 15: under 120 MB per worker): 4 threads serve the SQLite profile's reads as fast
as 8 on two CPUs, and each thread's malloc arena keeps what it once needed (8 threads ended a
read benchmark 15 MB above their start, 4 threads 9 MB). Password hashes run on their own small
pool (myapp/users/passwords.py), and each worker hands freed memory back (post_fork and
post_request, below).
"""

import ctypes
import gc
import multiprocessing
import os
import shutil
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker

shared_cache = bool(os.environ.get("REDIS_URL"))

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
default_workers = multiprocessing.cpu_count() * 2 + 1 if shared_cache else 1
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers))
threads = int(os.environ.get("GUNICORN_THREADS", 1 if shared_cache else 4))
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


# Memory (glibc's allocator; elsewhere nothing is done). Two things make a worker keep memory
# it no longer uses, and each has its lever:
# - An argon2 hash takes one block of ARGON2_MEMORY_COST_KIB (7 MiB). Once a block that large is
#   freed, glibc raises its mmap threshold above it, and later blocks come from the arena of the
#   hashing thread, which keeps them. A fixed threshold gives every allocation of 4 MiB or more
#   its own mapping, handed back when freed: a hash then faults its block in (3 ms of 30).
#   An operator who sets glibc's own MALLOC_MMAP_THRESHOLD_ keeps theirs.
# - Small blocks, once freed, stay in the arenas' free lists: sanitizing the largest body the
#   limits accept (nh3 builds a tree of some 100,000 nodes) left 12 MB behind in every request
#   thread that did it, and a worker at 180 MB after a benchmark run. malloc_trim hands those
#   pages back; a worker calls it after a request, at most once a second (it takes well under a
#   millisecond when there is little to hand back).
M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's <malloc.h>
MMAP_THRESHOLD = 4 * 1024 * 1024
TRIM_EVERY_SECONDS = 1.0
libc = ctypes.CDLL(None)  # the process's own symbols, the C library's among them
trimmed_at = 0.0


def post_fork(server: "Arbiter", worker: "Worker") -> None:
    mallopt = getattr(libc, "mallopt", None)
    operator_set = "MALLOC_MMAP_THRESHOLD_" in os.environ or "mmap_threshold" in os.environ.get(
        "GLIBC_TUNABLES", ""
    )
    if mallopt is not None and not operator_set:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def post_worker_init(worker: "Worker") -> None:
    # The app's own objects (modules, SQLAlchemy's mappers, the routes) live as long as the
    # worker: keep them out of the garbage collector's passes, which then only walk what
    # requests allocate (gc.freeze, meant for long-lived servers).
    gc.freeze()


def post_request(worker: "Worker", req: object, environ: dict, resp: object) -> None:
    global trimmed_at
    malloc_trim = getattr(libc, "malloc_trim", None)
    now = time.monotonic()
    if malloc_trim is not None and now - trimmed_at >= TRIM_EVERY_SECONDS:
        trimmed_at = now
        malloc_trim(0)


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
