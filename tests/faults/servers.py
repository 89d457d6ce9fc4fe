"""Throw-away PostgreSQL and Redis servers on spare loopback ports, started, stopped and
restarted at will by fault tests (the machine's own services are never touched)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import free_port

PG_BIN = Path("/usr/lib/postgresql")


def _pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(PG_BIN.glob(f"*/bin/{name}"))
    return str(versions[-1]) if versions else None


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: drop to the postgres account when we are root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PostgresCluster:
    def __init__(self):
        self.initdb, self.pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="erp-pg-"))
        self.data = self.dir / "data"

    @property
    def available(self) -> bool:
        return bool(self.initdb and self.pg_ctl)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def setup(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres([self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.start()

    def start(self) -> None:
        subprocess.run(
            _as_postgres(
                [
                    self.pg_ctl,
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.dir / "log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"]), capture_output=True, timeout=90
        )

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        import redis

        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def worker_environment(app, redis_url: str, **env) -> dict:
    """The environment of a worker process on the app's database and modules and the given Redis."""
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "ERP_MODULES": ",".join(app.extensions["erp"].manifests),
        "ERP_MODULE_PATHS": os.pathsep.join(app.config["ERP_MODULE_PATHS"]),
        "SECRET_KEY": "test-secret",
        "ERP_INSTANCE_PATH": app.config["UPLOAD_FOLDER"],
        **env,
    }


def _worker_command() -> list[str]:
    import sys

    return [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"]


def run_worker_burst(app, redis_url: str, **env) -> subprocess.CompletedProcess:
    """A real `flask jobs worker --burst` process on the app's database and the given Redis."""
    from tests.conftest import ROOT

    return subprocess.run(
        _worker_command(),
        cwd=ROOT,
        env=worker_environment(app, redis_url, **env),
        capture_output=True,
        text=True,
        timeout=180,
    )


def start_worker_burst(app, redis_url: str, log: Path, **env) -> subprocess.Popen:
    """The same worker in the background, its output in ``log``."""
    from tests.conftest import ROOT

    with log.open("w") as output:
        return subprocess.Popen(
            _worker_command(),
            cwd=ROOT,
            env=worker_environment(app, redis_url, **env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL the worker and every process under it, as when its machine dies: the work-horse
    RQ forks for a job sits in a process group of its own, so the worker's group is not enough."""
    doomed, queue = [], [process.pid]
    while queue:
        pid = queue.pop()
        doomed.append(pid)
        queue.extend(_children(pid))
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)
