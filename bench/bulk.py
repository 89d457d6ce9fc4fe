"""Fast inserts for the generators: PostgreSQL COPY through psycopg 3, batched executemany elsewhere.

Generators choose primary keys themselves (``next_ids``) so that rows can reference each other
without a round trip per row; ``finish`` moves PostgreSQL's sequences past them afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import islice

from sqlalchemy import Integer, text

from core.extensions import db

BATCH = 5000


class Bulk:
    def __init__(self) -> None:
        self.postgres = db.engine.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()
        self._next: dict[str, int] = {}

    def next_ids(self, model, count: int) -> range:
        """``count`` fresh primary keys for ``model``'s table (above every existing one)."""
        table = model.__table__
        if table.name not in self._next:
            self._next[table.name] = (db.session.scalar(db.select(db.func.max(table.c.id))) or 0) + 1
        first = self._next[table.name]
        self._next[table.name] = first + count
        return range(first, first + count)

    def insert(self, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        """Insert tuples (in ``columns`` order); returns how many rows went in."""
        table = model.__table__ if hasattr(model, "__table__") else model
        written = self._copy(table, columns, rows) if self.postgres else self._executemany(table, columns, rows)
        self.counts[table.name] += written
        return written

    def _copy(self, table, columns, rows) -> int:
        # COPY's text format is written by psycopg's own adapters: aware datetimes, Decimal, dates.
        # COPY knows nothing of the models' Python-side defaults: the columns left out get them here.
        defaults = [
            (c.name, c.default)
            for c in table.columns
            if c.name not in columns and c.default is not None and not c.primary_key
        ]
        constant = tuple(d.arg for _name, d in defaults if d.is_scalar)
        computed = [d.arg for _name, d in defaults if not d.is_scalar]
        names = (*columns, *(n for n, d in defaults if d.is_scalar), *(n for n, d in defaults if not d.is_scalar))
        raw = db.session.connection().connection.driver_connection
        written = 0
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *constant, *(make(None) for make in computed)))
                    written += 1
        return written

    def _executemany(self, table, columns, rows) -> int:
        # Through SQLAlchemy so that the column types (UTC datetimes, Money) convert values.
        statement, written, rows = table.insert(), 0, iter(rows)
        while batch := list(islice(rows, BATCH)):
            db.session.execute(statement, [dict(zip(columns, row)) for row in batch])
            written += len(batch)
        return written

    def finish(self) -> None:
        """Commit; on PostgreSQL move every sequence past the generated keys, then VACUUM ANALYZE
        (what autovacuum would do after a bulk load, done now so that runs start from the same state)."""
        if self.postgres:
            for table in db.metadata.sorted_tables:
                column = table.c.get("id")
                if column is not None and isinstance(column.type, Integer) and column.primary_key:
                    db.session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
        db.session.commit()
        if self.postgres:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
