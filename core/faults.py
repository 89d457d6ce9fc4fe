"""A module's failure stays its own (pretix's ``send_robust``): code of a module called from a
shared page runs through ``contained``; an exception leaves that module's part out, is logged with
the module's name and the request id, and is counted here for the admin's Modules page.

Faults met during a request are written after the request's own transaction has ended (see
``core.web.lifecycle``), so recording one never mixes with, nor waits on, the request's writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import Integer, String, UniqueConstraint, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import Model, db

log = logging.getLogger("erp.faults")

FAILED = object()  # what ``contained`` returns when the module's code raised


class ModuleFault(Model):
    """How often a module's hook failed (kind "error") or ran too long (kind "slow"), and the last time."""

    __tablename__ = "core_module_fault"
    __table_args__ = (UniqueConstraint("module", "hook", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(String(60))
    hook: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(Integer, default=1)
    detail: Mapped[str] = mapped_column(String(500))
    request_id: Mapped[str | None] = mapped_column(String(64))
    first_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def contained(module: str, hook: str, func: Callable[..., Any], *args, **kwargs) -> Any:
    """``func(*args, **kwargs)``, or FAILED if it raised; a slow call is reported, not cut short."""
    started = time.perf_counter()
    try:
        return func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any failure of a module's code is contained here
        if isinstance(exc, SQLAlchemyError):
            db.session.rollback()  # a failed statement aborts the transaction (PostgreSQL): the page goes on
        request_id = g.get("request_id") if has_request_context() else None
        log.error("module %s failed in %s (request %s)", module, hook, request_id, exc_info=exc)
        _report(module, hook, "error", f"{exc.__class__.__name__}: {exc}")
        return FAILED
    finally:
        elapsed = time.perf_counter() - started
        if elapsed * 1000 > current_app.config["ERP_HOOK_SLOW_MS"]:
            log.warning("module %s was slow in %s: %.0f ms", module, hook, elapsed * 1000)
            _report(module, hook, "slow", f"{elapsed * 1000:.0f} ms")


def _report(module: str, hook: str, kind: str, detail: str) -> None:
    fault = (module, hook, kind, detail[:500])
    if has_request_context():
        g.setdefault("erp_faults", []).append((*fault, g.get("request_id")))
    else:  # a job or a command: written in its transaction, which it commits
        record([(*fault, None)], commit=False)


def record_request_faults() -> None:
    """Write the faults of this request; called once its own transaction is over."""
    faults = g.pop("erp_faults", None)
    if faults:
        try:
            record(faults)
        except SQLAlchemyError as exc:  # the page was served; losing a fault counter is acceptable
            db.session.close()
            log.warning("could not record module faults: %s", exc.__class__.__name__)


def record(faults: list[tuple[str, str, str, str, str | None]], commit: bool = True) -> None:
    for module, hook, kind, detail, request_id in faults:
        where = (ModuleFault.module == module, ModuleFault.hook == hook, ModuleFault.kind == kind)
        values = {"detail": detail, "request_id": request_id, "last_at": utcnow()}
        count_again = update(ModuleFault).where(*where).values(count=ModuleFault.count + 1, **values)
        if db.session.execute(count_again).rowcount:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
            continue
        try:
            with db.session.begin_nested():
                db.session.add(ModuleFault(module=module, hook=hook, kind=kind, **values))
        except IntegrityError:  # another process recorded it first
            db.session.execute(count_again)
    if commit:
        db.session.commit()


def faults_by_module() -> dict[str, list[ModuleFault]]:
    grouped: dict[str, list[ModuleFault]] = {}
    for fault in db.session.scalars(db.select(ModuleFault).order_by(ModuleFault.last_at.desc())):
        grouped.setdefault(fault.module, []).append(fault)
    return grouped


def clear(module: str) -> int:
    result = db.session.execute(db.delete(ModuleFault).where(ModuleFault.module == module))
    return result.rowcount  # type: ignore[attr-defined]  # a DELETE's CursorResult
