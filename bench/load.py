"""Load driver: the app under gunicorn on 127.0.0.1, concurrent clients (bounded in count and
time), a weighted mix of calls, latencies and status codes per endpoint.

A run has three phases: the floor alone (GET /ping, no database: what the machine, gunicorn and
the client can do at all), the mix (with /ping interleaved, so the floor is also measured under
the same load), then the floor alone again. Figures are read as ratios of the same run's floor,
which survive a noisy shared machine; the two floor phases differing much says the run was
disturbed and should be repeated.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "floor: GET /ping"


@dataclass
class Request:
    method: str
    path: str
    api: bool = False
    json: dict | None = None
    token: str | None = None  # another person's token (a seat's own manager votes); else the client's


@dataclass
class Client:
    """One simulated person: a logged-in browser session and a personal API token."""

    index: int
    email: str
    organization_id: int
    session: requests.Session
    token: str
    board: bool = False  # sits on the board: sees the regional figures
    memory: dict = field(default_factory=dict)  # what a call leaves for a later one (bookings to cancel)


@dataclass(frozen=True)
class Call:
    name: str
    kind: str  # floor, read or write
    weight: int
    make: Callable[[Client, random.Random], Request | None]  # None: nothing to do for this client now
    ok: tuple[int, ...] = (200,)
    after: Callable[[Client, requests.Response], None] | None = None


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, call: Call, elapsed: float, status: int) -> None:
        self.latencies.setdefault(call.name, []).append(elapsed)
        self.kinds[call.name] = call.kind
        codes = self.statuses.setdefault(call.name, {})
        codes[status] = codes.get(status, 0) + 1
        if status not in call.ok:
            self.errors[call.name] = self.errors.get(call.name, 0) + 1

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def summary(self) -> list[dict]:
        floor = self.latencies.get(FLOOR)
        floor_p50, floor_p95 = (quantile(floor, 0.5), quantile(floor, 0.95)) if floor else (None, None)
        rows = []
        for name, values in sorted(self.latencies.items(), key=lambda item: (item[0] != FLOOR, item[0])):
            p50, p95 = quantile(values, 0.5), quantile(values, 0.95)
            rows.append(
                {
                    "endpoint": name,
                    "kind": self.kinds[name],
                    "requests": len(values),
                    "errors": self.errors.get(name, 0),
                    "statuses": {str(k): v for k, v in sorted(self.statuses[name].items())},
                    "p50_ms": round(p50 * 1000, 1),
                    "p95_ms": round(p95 * 1000, 1),
                    "p99_ms": round(quantile(values, 0.99) * 1000, 1),
                    "throughput_rps": round(len(values) / self.seconds, 2),
                    "p50_vs_floor": round(p50 / floor_p50, 1) if floor_p50 else None,
                    "p95_vs_floor": round(p95 / floor_p95, 1) if floor_p95 else None,
                }
            )
        return rows


def cpu_seconds(server_pids: list[int], database: str | None) -> float:
    """CPU time used so far by the servers (the gunicorn master and workers, the RQ worker and the
    children it forked for its jobs), and by the PostgreSQL backends of ``database``: per request,
    a cost that other programs on the machine do not change."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ours = int(entry.name) in server_pids or int(fields[1]) in server_pids
        backend = database is not None and command.startswith("postgres: ") and f" {database} " in command
        if ours or backend:
            # utime, stime, and those of the children waited for (the RQ worker's work-horses)
            total += sum(int(value) for value in fields[11:15]) / ticks
    return total


def quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, round(q * 100) - 1)]


def serve(env: dict, port: int, workers: int = 4) -> subprocess.Popen:
    """gunicorn on 127.0.0.1 only; waits until /ping answers."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    for _ in range(600):
        try:
            if requests.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                return process
        except requests.RequestException:  # not listening yet, or workers still booting
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def start_worker(env: dict) -> subprocess.Popen:
    """The production setting's RQ worker (``make worker``): jobs leave the requests."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )


def drive(
    base: str, mix: list[Call], clients: list[Client], max_requests: int, max_seconds: float, seed: int = 7
) -> Results:
    """Every client picks calls by weight until the request budget or the time is used up."""
    results = Results()
    lock = threading.Lock()
    budget = [max_requests]
    weighted = [call for call in mix for _ in range(call.weight)]
    deadline = time.monotonic() + max_seconds

    def run(client: Client) -> None:
        rng = random.Random(seed * 1000 + client.index)
        while time.monotonic() < deadline:
            call = rng.choice(weighted)
            request = call.make(client, rng)
            if request is None:
                continue
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            headers = {"Authorization": f"Bearer {request.token or client.token}"} if request.api else None
            started = time.perf_counter()
            response = client.session.request(
                request.method,
                base + request.path,
                json=request.json,
                headers=headers,
                timeout=60,
                allow_redirects=False,
            )
            elapsed = time.perf_counter() - started
            with lock:
                results.add(call, elapsed, response.status_code)
            if call.after is not None and response.status_code in call.ok:
                call.after(client, response)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.seconds = time.perf_counter() - started
    return results


def floor_call() -> Call:
    return Call(FLOOR, "floor", 1, lambda _client, _rng: Request("GET", "/ping"))
