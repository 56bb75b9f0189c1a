"""Password hashing: OWASP's parameters, old hashes upgraded at sign-in, a bounded pool of hashing
threads, and a gunicorn worker that hands each hash's memory back (issue 15)."""

import ctypes
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import argon2
import pytest
from flask import Flask
from sqlalchemy import select, update

from myapp.config import Config
from myapp.errors import InvalidCredentials
from myapp.extensions import db
from myapp.users import passwords
from myapp.users import services as users
from myapp.users.models import User

ROOT = Path(__file__).resolve().parents[2]
# OWASP's equivalent argon2id settings (password storage cheat sheet), p=1: (m in KiB, t).
OWASP_EQUIVALENTS = {(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)}
OLD_MEMORY_KIB = 19456  # m=19 MiB, t=2 until issue 15
BEFORE_ISSUE_15 = {"memory_cost": OLD_MEMORY_KIB, "time_cost": 2, "parallelism": 1}
SETTINGS = ("ARGON2_TIME_COST", "ARGON2_MEMORY_COST_KIB", "ARGON2_PARALLELISM")


@pytest.fixture
def production_hashing(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The production parameters for one test (the suite hashes with cheap ones)."""
    for name in (*SETTINGS, "ARGON2_MAX_CONCURRENT"):
        monkeypatch.setitem(app.config, name, getattr(Config, name))
    monkeypatch.delitem(app.extensions, "argon2", raising=False)
    yield
    app.extensions.pop("argon2", None)  # the suite's hasher comes back with the monkeypatch


def stored_hash(username: str) -> str:
    return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_production_uses_an_owasp_equivalent_with_less_memory_than_before():
    assert Config.ARGON2_PARALLELISM == 1
    assert (Config.ARGON2_MEMORY_COST_KIB, Config.ARGON2_TIME_COST) in OWASP_EQUIVALENTS
    assert Config.ARGON2_MEMORY_COST_KIB < OLD_MEMORY_KIB
    assert Config.ARGON2_MAX_CONCURRENT == 2


def test_a_hash_made_before_issue_15_signs_in_and_is_upgraded(app, production_hashing):
    with app.app_context():
        ann = users.register("ann", "ann@example.com", "correct-horse")
        old_hash = argon2.PasswordHasher(**BEFORE_ISSUE_15).hash("correct-horse")
        db.session.execute(update(User).where(User.id == ann.id).values(password_hash=old_hash))
        db.session.commit()
        assert passwords.needs_rehash(old_hash)

        with pytest.raises(InvalidCredentials):  # a wrong password changes nothing
            users.authenticate("ann@example.com", "battery-staple")
        db.session.remove()
        assert stored_hash("ann") == old_hash

        assert users.authenticate("ann@example.com", "correct-horse").id == ann.id
        db.session.remove()  # read what was committed
        new_hash = stored_hash("ann")

    parameters = argon2.extract_parameters(new_hash)
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        Config.ARGON2_MEMORY_COST_KIB,
        Config.ARGON2_TIME_COST,
        Config.ARGON2_PARALLELISM,
    )
    with app.app_context():
        assert not passwords.needs_rehash(new_hash)
        assert users.authenticate("ann@example.com", "correct-horse").id == ann.id


def test_errors_on_the_hashing_thread_reach_the_caller(app):
    with app.app_context():
        good = passwords.hash_password("correct-horse")
        assert passwords.verify_password(good, "correct-horse") is True
        assert passwords.verify_password(good, "battery-staple") is False  # VerifyMismatchError
        assert passwords.verify_password("$argon2id$not-a-hash", "x") is False  # InvalidHashError


def test_at_most_max_concurrent_hashes_run_at_once_on_as_many_threads(app, monkeypatch):
    """Six sign-ins at once: two hash, four wait, and the same two threads do all the hashing, so
    a worker holds at most two blocks of argon2 memory whatever its number of request threads."""
    monkeypatch.setitem(app.config, "ARGON2_MAX_CONCURRENT", 2)
    monkeypatch.delitem(app.extensions, "argon2", raising=False)
    with app.app_context():
        good = passwords.hash_password("correct-horse")

    changed = threading.Condition()
    running, peak, hashing_threads = 0, 0, set()
    gate = threading.Event()
    real_verify = argon2.PasswordHasher.verify

    def verify(self: argon2.PasswordHasher, password_hash: str, password: str) -> bool:
        nonlocal running, peak
        with changed:
            running += 1
            peak = max(peak, running)
            hashing_threads.add(threading.get_ident())
            changed.notify_all()
        gate.wait(timeout=60)
        with changed:
            running -= 1
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    results: list[bool] = []

    def sign_in() -> None:
        with app.app_context():
            results.append(passwords.verify_password(good, "correct-horse"))

    callers = [threading.Thread(target=sign_in) for _ in range(6)]
    for caller in callers:
        caller.start()
    with changed:
        assert changed.wait_for(lambda: running == 2, timeout=60)
    gate.set()
    for caller in callers:
        caller.join(timeout=60)

    assert results == [True] * 6
    assert peak == 2
    assert len(hashing_threads) == 2
    assert threading.get_ident() not in hashing_threads


# What a gunicorn worker (gunicorn.conf.py's hooks) does with memory freed on other threads:
# a script runs WORK on two threads, one after the other, as the master (no hooks) or a worker.
AS_A_WORKER = """
import re, runpy, sys, threading

conf = runpy.run_path(sys.argv[1])
worker = sys.argv[2] == "worker"
if worker:
    conf["post_fork"](None, None)

def rss_kib():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))

WORK

before = rss_kib()
for _ in range(2):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
if worker:
    conf["post_request"](None, None, {}, None)
print(rss_kib() - before)
"""
# Two hashes on each thread: a process's first block is mmapped anyway, the next come from arenas.
HASHES = """
from argon2 import PasswordHasher
hasher = PasswordHasher(time_cost=1, memory_cost=int(sys.argv[3]), parallelism=1)

def work():
    hasher.hash("x")
    hasher.hash("x")
"""
# Many freed blocks between a few kept ones, as a sanitized body leaves them (nh3's tree).
SCATTERED_BLOCKS = """
kept = []

def work():
    blocks = [bytes(1000) + bytes([i % 256]) for i in range(20_000)]
    kept.extend(blocks[::100])
"""


def kept_kib(process: str, work: str, tmp_path: Path) -> int:
    """KiB of memory a process still holds after ``work`` on two threads, as gunicorn's master
    (no hooks) or as a worker (post_fork before, post_request after)."""
    script = AS_A_WORKER.replace("WORK", work)
    output = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), str(ROOT / "gunicorn.conf.py"), process]
        + [str(Config.ARGON2_MEMORY_COST_KIB)],
        capture_output=True,
        text=True,
        check=True,
        env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    ).stdout
    return int(output)


glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "malloc_trim"),
    reason="glibc's allocator",
)


@glibc
def test_a_gunicorn_worker_hands_the_memory_of_each_hash_back(tmp_path):
    block = Config.ARGON2_MEMORY_COST_KIB
    assert kept_kib("master", HASHES, tmp_path) >= block * 0.9  # without the hooks: kept
    assert kept_kib("worker", HASHES, tmp_path) < block / 4


@glibc
def test_a_gunicorn_worker_hands_scattered_free_memory_back_after_a_request(tmp_path):
    freed = 20_000 * 1_000 // 1024  # KiB on one thread (the second reuses the first's arena)
    assert kept_kib("master", SCATTERED_BLOCKS, tmp_path) >= freed / 2  # without the hooks
    assert kept_kib("worker", SCATTERED_BLOCKS, tmp_path) < freed / 4
