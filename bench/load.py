"""Load driver: the app under gunicorn on 127.0.0.1, concurrent clients (bounded in count and
time), a mix of endpoints, and the same run's floor (GET /ping) so results read as ratios."""
from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "floor /ping"


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: str
    weight: int = 1
    api: bool = False


CORE_MIX = [
    Call(FLOOR, "GET", "/ping", 3),
    Call("dashboard", "GET", "/dashboard", 2),
    Call("calendar (month)", "GET", "/calendar"),
    Call("API organizations list", "GET", "/api/v1/organizations?per_page=25", 2, api=True),
    Call("API me", "GET", "/api/v1/me", 1, api=True),
]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, name: str, elapsed: float, ok: bool) -> None:
        self.latencies.setdefault(name, []).append(elapsed)
        if not ok:
            self.errors[name] = self.errors.get(name, 0) + 1

    def summary(self) -> list[dict]:
        rows = []
        floor_p50 = _quantile(self.latencies.get(FLOOR, [0.0]), 0.5) or 1e-9
        for name, values in sorted(self.latencies.items()):
            rows.append({
                "endpoint": name, "requests": len(values), "errors": self.errors.get(name, 0),
                "p50_ms": round(_quantile(values, 0.5) * 1000, 2), "p95_ms": round(_quantile(values, 0.95) * 1000, 2),
                "p99_ms": round(_quantile(values, 0.99) * 1000, 2),
                "throughput_rps": round(len(values) / self.seconds, 1),
                "p50_vs_floor": round(_quantile(values, 0.5) / floor_p50, 1),
            })
        return rows


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, int(q * 100) - 1)]


def serve(env: dict, port: int, workers: int = 3) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "wsgi:app"], cwd=ROOT, env={**os.environ, **env})
    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{port}/ping", timeout=1).status_code == 200:
                return process
        except requests.RequestException:  # not listening yet, or workers still booting
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def drive(base: str, mix: list[Call], sessions: list[tuple[requests.Session, dict]], clients: int = 8,
          max_requests: int = 4000, max_seconds: float = 60.0, seed: int = 7) -> Results:
    results = Results()
    lock = threading.Lock()
    budget = [max_requests]
    weighted = [call for call in mix for _ in range(call.weight)]
    deadline = time.monotonic() + max_seconds

    def client(index: int) -> None:
        rng = random.Random(seed + index)
        session, headers = sessions[index % len(sessions)]
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            call = rng.choice(weighted)
            started = time.perf_counter()
            response = session.request(call.method, base + call.path, headers=headers if call.api else None,
                                       timeout=30, allow_redirects=False)
            elapsed = time.perf_counter() - started
            with lock:
                results.add(call.name, elapsed, response.status_code < 400)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.seconds = time.perf_counter() - started
    return results
