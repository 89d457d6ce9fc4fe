"""Background and scheduled work through a transactional outbox.

``enqueue`` writes a row in the caller's transaction, so a job exists exactly when the change that
caused it was committed. ``dispatch`` hands due rows to RQ when REDIS_URL is set (a worker runs
them) or runs them in-process otherwise. If Redis is down the rows simply wait; the worker's relay
(and the next request) hands them over later. A job is claimed by a conditional UPDATE, so it runs
at most once at a time; job functions take ids and must be idempotent, because a worker killed in
the middle leaves the row "running" and ``recover_stale`` gives it back after a while.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
from datetime import datetime, timedelta

from flask import current_app, g, has_request_context
from sqlalchemy import String, Text, and_, inspect, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstanceState, Mapped, mapped_column

from core import signals
from core.db import UTCDateTime, utcnow
from core.extensions import Model, db

log = logging.getLogger("erp.jobs")
QUEUE = "erp"
HEARTBEAT_KEY = "erp:worker:heartbeat"
STALE_AFTER = timedelta(minutes=15)
_last_inline_tick: list[datetime] = []


class Job(Model):
    __tablename__ = "core_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    func: Mapped[str] = mapped_column(String(200))
    args: Mapped[str] = mapped_column(Text, default="[]")
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def func_path(func) -> str:
    return func if isinstance(func, str) else f"{func.__module__}:{func.__qualname__}"


def enqueue(func, *ids, at: datetime | None = None, key: str | None = None) -> Job:
    """Add a job to the current transaction; ``ids`` must be JSON scalars (ids, codes)."""
    for value in ids:
        if not isinstance(value, (int, str, bool, type(None))):
            raise TypeError("jobs take ids, not objects")
    job = Job(
        func=func_path(func),
        args=json.dumps(list(ids)),
        run_at=at or utcnow(),
        key=key,
        max_attempts=current_app.config["JOBS_MAX_ATTEMPTS"],
    )
    db.session.add(job)
    if has_request_context():
        g.setdefault("erp_jobs_pending", []).append(job)
    return job


def _resolve(path: str):
    module, _, name = path.partition(":")
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def redis_connection():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)


def _due(limit: int | None = 100):
    """The ids of the pending jobs whose time has come, oldest first (a statement)."""
    return (
        db.select(Job.id)
        .where(Job.status == "pending", Job.run_at <= utcnow())
        .order_by(Job.run_at, Job.id)
        .limit(limit)
    )


def committed_ids(jobs: list[Job]) -> list[int]:
    """The ids of those jobs whose rows were committed (a rolled-back job has no identity left);
    read from the identity map, without reloading the expired objects."""
    states: list[InstanceState] = [inspect(job) for job in jobs]
    return [state.identity[0] for state in states if state.identity and not state.deleted]


def _transition(job_id: int, from_states: tuple[str, ...], **values) -> bool:
    result = db.session.execute(update(Job).where(Job.id == job_id, Job.status.in_(from_states)).values(**values))
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE's CursorResult


def relay_to_redis(ids: list[int] | None = None) -> int:
    """Push due rows to RQ (only those of ``ids`` if given); rows stay pending if Redis cannot be
    reached. One conditional UPDATE claims them all, so concurrent relays never push a row twice."""
    from redis.exceptions import RedisError
    from rq import Queue

    if ids == []:
        return 0
    chosen = _due() if ids is None else _due(None).where(Job.id.in_(ids))
    claimed = sorted(
        db.session.scalars(
            update(Job)
            .where(Job.id.in_(chosen.scalar_subquery()), Job.status == "pending")
            .values(status="enqueued")
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    if not claimed:
        return 0
    queue = Queue(QUEUE, connection=redis_connection())
    for pushed, job_id in enumerate(claimed):
        try:
            queue.enqueue(execute, job_id, job_id=f"erp-{job_id}-{time.time_ns()}", failure_ttl=86400)
        except RedisError as exc:
            db.session.execute(
                update(Job)
                .where(Job.id.in_(claimed[pushed:]), Job.status == "enqueued")
                .values(status="pending")
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            log.warning("redis unavailable, %d jobs wait in the outbox: %s", len(claimed) - pushed, exc)
            return pushed
    return len(claimed)


def run_job(job_id: int) -> str:
    """Run one job if it can be claimed; returns its final status (or 'skipped')."""
    now = utcnow()
    if not _transition(job_id, ("pending", "enqueued"), status="running", started_at=now, attempts=Job.attempts + 1):
        return "skipped"
    job = db.session.get_one(Job, job_id)
    try:
        _resolve(job.func)(*json.loads(job.args))
        db.session.commit()
    except Exception as exc:  # a job's failure must never take the worker or the request down
        db.session.rollback()
        job = db.session.get_one(Job, job_id)
        final = job.attempts >= job.max_attempts
        delay = timedelta(seconds=min(30 * 2 ** (job.attempts - 1), 3600))
        job.status = "dead" if final else "pending"
        job.run_at = utcnow() + delay
        job.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        log.error("job %s (%s) failed, attempt %d: %s", job_id, job.func, job.attempts, job.last_error)
        signals.job_failed.send(job, final=final)
        db.session.commit()
        return job.status
    _transition(job_id, ("running",), status="done", finished_at=utcnow(), last_error=None)
    return "done"


def dispatch(jobs: list[Job] | None = None, max_rounds: int = 20) -> None:
    """Hand due jobs over: to RQ if configured (only ``jobs``, a request's own, if given: the
    worker's relay takes the rest), else run them here (jobs may enqueue more)."""
    if current_app.config.get("REDIS_URL"):
        relay_to_redis(None if jobs is None else committed_ids(jobs))
        return
    for _ in range(max_rounds):
        ids = list(db.session.scalars(_due()))
        db.session.commit()
        if not ids:
            return
        for job_id in ids:
            run_job(job_id)


def recover_stale() -> int:
    """Jobs left 'running' or 'enqueued' by a dead worker or a lost Redis go back to pending."""
    stale = utcnow() - STALE_AFTER
    result = db.session.execute(
        update(Job)
        .where(
            or_(
                and_(Job.status == "running", Job.started_at < stale),
                and_(Job.status == "enqueued", Job.run_at < stale),
            )
        )
        .values(status="pending")
    )
    db.session.commit()
    return result.rowcount  # type: ignore[attr-defined]  # an UPDATE's CursorResult


def retry(job_id: int) -> bool:
    return _transition(job_id, ("dead",), status="pending", attempts=0, run_at=utcnow(), last_error=None)


def tick(now: datetime | None = None) -> int:
    """Enqueue the periodic jobs due this minute; a unique key makes it once across workers."""
    from core.plugins import collect

    now = (now or utcnow()).replace(second=0, microsecond=0)
    minute = int(now.timestamp() // 60)
    added = 0
    for scheduled in collect("erp_scheduled_jobs"):
        if minute % scheduled.every_minutes:
            continue
        try:
            with db.session.begin_nested():
                enqueue(scheduled.func, key=f"{scheduled.name}@{now.isoformat()}")
            added += 1
        except IntegrityError:
            pass  # another worker ticked this minute already
    db.session.commit()
    _heartbeat(now)
    return added


def _heartbeat(now: datetime) -> None:
    conn = redis_connection()
    if conn is None:
        _last_inline_tick[:] = [now]
        return
    try:
        conn.set(HEARTBEAT_KEY, now.isoformat(), ex=600)
    except Exception as exc:  # noqa: BLE001 - a missing heartbeat is reported by /healthz
        log.warning("cannot write worker heartbeat: %s", exc)


def last_heartbeat() -> datetime | None:
    conn = redis_connection()
    if conn is None:
        return _last_inline_tick[0] if _last_inline_tick else None
    value = conn.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(value.decode()) if value else None


def backlog() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Job).where(Job.status.in_(("pending", "enqueued"))))


def run_periodically(app, stop: threading.Event, relay_seconds: float = 5.0) -> None:
    """The relay loop of a worker (or of the web process in the embedded mode)."""
    next_tick = 0.0
    while not stop.is_set():
        with app.app_context():
            try:
                if time.monotonic() >= next_tick:
                    recover_stale()
                    tick()
                    next_tick = time.monotonic() + 60 - time.time() % 60
                dispatch()
            except Exception:  # keep relaying through a database or Redis outage
                log.exception("job relay loop error")
                db.session.rollback()
        stop.wait(relay_seconds)


def start_inline_ticker(app) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_periodically, args=(app, stop), daemon=True, name="erp-ticker").start()
    return stop


_worker_app: list = []


def execute(job_id: int) -> str:
    """Entry point of RQ jobs: run outbox row ``job_id`` in this worker's app."""
    if not _worker_app:
        from core import create_app

        _worker_app.append(create_app())
    with _worker_app[0].app_context():
        return run_job(job_id)
