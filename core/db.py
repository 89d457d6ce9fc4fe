"""The declarative base, column types and mixins every model uses.

Datetimes are stored in UTC and always come back time-zone aware; money is Decimal to the cent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import DateTime, Float, ForeignKey, MetaData, Numeric, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_ID = 2**31 - 1  # INTEGER keys (PostgreSQL's int4)


def valid_id(value) -> bool:
    """Ids come from URLs and bodies: an out-of-range number must look absent, not overflow the database."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator):
    """Euros as Decimal with two places; amounts are quantized on the way in and out."""

    impl = Numeric(14, 2)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class elapsed_seconds(FunctionElement):
    """Seconds from ``start`` to ``end`` (UTC datetime columns), computed by the database so that
    durations can be summed in SQL rather than row by row in Python."""

    type = Float()
    inherit_cache = True


@compiles(elapsed_seconds, "postgresql")
def _elapsed_seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(elapsed_seconds)
def _elapsed_seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


class Base(DeclarativeBase):
    # Quantities default to three decimals (kilograms, hours); money columns say Money().
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), Decimal: Numeric(14, 3)},
    )


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OrgOwned:
    """A record that belongs to one organization; record rules filter on this column."""

    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("core_organization.id"), index=True)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # Only pysqlite connections: WAL lets readers run beside the single writer, and the driver's
    # own transaction handling is switched off so that _sqlite_begin below decides how to begin.
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    # SQLite has no row locks: every transaction takes the write lock when it starts, so a
    # check-then-insert inside a service is serialized against every other writer. This is how
    # the invariants (no double booking, no overbooked seat, one ballot) hold on the embedded
    # default; PostgreSQL holds them with constraints and row locks instead.
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def get_or_404(model, object_id):
    """The row, or NotFound (a 404 page, or a problem+json under /api/) for an absent or out-of-range id."""
    from core.errors import NotFound

    obj = _session().get(model, object_id) if valid_id(object_id) else None
    if obj is None:
        raise NotFound(_not_found())
    return obj


def locked(model, object_id, shared: bool = False):
    """The row reloaded under a lock for this transaction (FOR UPDATE, or FOR SHARE when ``shared``),
    so that writers of one record are serialized on PostgreSQL; on SQLite the transaction already
    holds the database write lock. NotFound when absent."""
    from sqlalchemy import select
    from sqlalchemy.orm import lazyload

    from core.errors import NotFound

    # no eager joins: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join
    stmt = (
        select(model)
        .where(model.id == object_id)
        .options(lazyload("*"))
        .with_for_update(read=shared, of=model)
        .execution_options(populate_existing=True)
    )
    obj = _session().scalar(stmt) if valid_id(object_id) else None
    if obj is None:
        raise NotFound(_not_found())
    return obj


def _session():
    from core.extensions import db

    return db.session


def _not_found() -> str:
    from flask_babel import gettext

    return gettext("Not found.")
