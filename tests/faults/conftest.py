"""Fault tests start their own servers (tests/faults/servers.py) and stop them at will; the
machine's shared PostgreSQL and Redis are never touched."""

from __future__ import annotations

import time

import pytest

from core.extensions import db
from tests.faults.servers import RedisServer


@pytest.fixture
def redis_server():
    server = RedisServer()
    if not server.binary:
        pytest.skip("redis-server is not installed")
    server.start()
    yield server
    server.stop()


def wait_until(condition, seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds`` (a bound, not a speed check)."""
    until = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > until:
            raise AssertionError(f"still waiting after {seconds} s: {what}")
        time.sleep(0.05)


def count_rows(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))
