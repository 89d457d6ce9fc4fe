"""Each call of the mix run in-process (no server, no concurrency): median time, SQL statements and
SQL time per endpoint, and optionally a pyinstrument profile of one endpoint. What to look at
first when a p95 is missed; the load run says whether a fix holds under concurrency.
"""

from __future__ import annotations

import random
import statistics
import time

from sqlalchemy import event

from bench import mix
from bench.generate import BENCH_PASSWORD
from core.extensions import db


class _Response:
    """What ``Call.after`` reads, from a Flask test response."""

    def __init__(self, response):
        self.status_code, self._json = response.status_code, response.get_json

    def json(self):
        return self._json()


def run(app, repeat: int = 10, only: str | None = None, profile: bool = False) -> list[dict]:
    with app.app_context():
        plan = mix.prepare()
        engine = db.engine
    sql = {"count": 0, "seconds": 0.0}

    def before(conn, *_args):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, *_args):
        sql["count"] += 1
        sql["seconds"] += time.perf_counter() - conn.info["bench_started"]

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client = app.test_client()
        email, organization_id, token, board = plan.clients[0]
        client.post("/login", data={"email": email, "password": BENCH_PASSWORD})
        person = mix.Client(0, email, organization_id, None, token, board)
        rng, rows = random.Random(3), []
        for call in mix.calls(plan):
            if only and only != call.name:
                continue
            rows.append(_measure(client, call, person, rng, repeat, sql, profile and only == call.name))
        return rows
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _measure(client, call, person, rng, repeat, sql, profile) -> dict:
    times, counts, sql_times, statuses = [], [], [], {}
    profiler = None
    for n in range(repeat):
        request = call.make(person, rng)
        if request is None:
            continue
        headers = {"Authorization": f"Bearer {request.token or person.token}"} if request.api else {}
        if profile and n == repeat - 1:
            from pyinstrument import Profiler  # the test extra

            profiler = Profiler(interval=0.0005)
            profiler.start()
        sql.update(count=0, seconds=0.0)
        started = time.perf_counter()
        response = client.open(request.path, method=request.method, json=request.json, headers=headers)
        times.append(time.perf_counter() - started)
        if profiler:
            profiler.stop()
        counts.append(sql["count"])
        sql_times.append(sql["seconds"])
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if call.after is not None and response.status_code in call.ok:
            call.after(person, _Response(response))
    row = {"endpoint": call.name, "kind": call.kind, "requests": len(times), "statuses": statuses}
    if times:
        row.update(
            median_ms=round(statistics.median(times) * 1000, 1),
            max_ms=round(max(times) * 1000, 1),
            sql_statements=statistics.median(counts),
            sql_ms=round(statistics.median(sql_times) * 1000, 1),
        )
    if profiler:
        row["profile"] = profiler.output_text(unicode=False, color=False)
    return row
