"""Benchmarks from the command line (see bench/README.md).

python -m bench                       # small scale on a temporary SQLite: generate, load, tally
python -m bench generate --scale national --database-url URL [--reset]
python -m bench load --database-url URL [--seconds 120] [--requests 20000] [--label NAME]
python -m bench profile --database-url URL [--endpoint NAME --pyinstrument]
python -m bench tally [--ballots 100000] [--options 10]
python -m bench report RESULT.json [OTHER.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.load import FLOOR, ROOT, cpu_seconds, drive, floor_call, serve, start_worker

RESULTS = ROOT / "bench" / "results"
DEFAULT_ENV = {
    "SECRET_KEY": "bench-secret",
    "LOGIN_LIMITS": "100000 per minute",
    "LOGIN_ACCOUNT_LIMITS": "100000 per minute",
    "ERP_ENV": "development",
}


def _environment(url: str, workdir: Path) -> dict:
    env = {**DEFAULT_ENV, "DATABASE_URL": url, "ERP_INSTANCE_PATH": str(workdir)}
    os.environ.update(env)  # the in-process app (generation, preparation) reads the same settings
    return env


def _app():
    from core import create_app

    return create_app()


def _reset(url: str) -> None:
    """Empty the database: drop PostgreSQL's public schema, or delete the SQLite file."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def generate(url: str, scale: str, seed: int, reset: bool, workdir: Path, sizes: dict | None = None) -> dict:
    env = _environment(url, workdir)
    if reset:
        _reset(url)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "modules", "install", "--all"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    from bench.generate import generate as fill
    from core.accounts.models import Organization
    from core.extensions import db

    with _app().app_context():
        if db.session.scalar(db.select(db.func.count(Organization.id))):
            raise SystemExit("the database is not empty: pass --reset to empty it first")
        return fill(scale, seed, sizes)


def _login(base: str, email: str) -> requests.Session:
    from bench.generate import BENCH_PASSWORD

    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login", data={"csrf_token": token, "email": email, "password": BENCH_PASSWORD}, allow_redirects=False
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed for {email}")
    return session


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _dataset() -> dict:
    """The sizes that matter for the figures, counted in the database under test."""
    from core.extensions import db
    from core.plugins import installed_modules

    tables = {
        "core_organization": "organizations",
        "core_user": "users",
        "pooling_equipment": "equipment",
        "pooling_booking": "bookings",
        "training_session": "sessions",
        "training_enrolment": "enrolments",
        "incubation_project": "projects",
        "governance_poll": "polls",
        "governance_ballot": "ballots",
        "observatory_report": "observatory reports",
    }
    present = set(db.inspect(db.engine).get_table_names())
    return {
        "modules": sorted(installed_modules()),
        **{
            label: db.session.scalar(db.text(f"SELECT count(*) FROM {table}"))
            for table, label in tables.items()
            if table in present
        },
    }


def _phase(results) -> dict:
    rows = results.summary()
    floor = next((r for r in rows if r["kind"] == "floor"), None)
    work = [r for r in rows if r["kind"] != "floor"]
    return {
        "seconds": round(results.seconds, 1),
        "requests": results.requests,
        "throughput_rps": round(sum(r["requests"] for r in work) / results.seconds, 2) if work else None,
        "floor": floor,
        "rows": rows,
    }


def _cpu_per_request(cpu: list[float], floor, measured) -> dict:
    """Server CPU per floor request, and per request of the mix (its interleaved pings taken out)."""
    floor_ms = 1000 * (cpu[1] - cpu[0]) / floor.requests
    pings = len(measured.latencies.get(FLOOR, []))
    mix_ms = (1000 * (cpu[2] - cpu[1]) - pings * floor_ms) / (measured.requests - pings)
    return {"floor": round(floor_ms, 2), "mix": round(mix_ms, 2)}


def load(url: str, args, workdir: Path) -> dict:
    from bench import mix

    env = _environment(url, workdir)
    if args.redis_url:
        env["REDIS_URL"] = os.environ["REDIS_URL"] = args.redis_url
        from redis import Redis

        Redis.from_url(args.redis_url).flushdb()  # the benchmark's own database number: no earlier run's jobs
    app = _app()
    with app.app_context():
        plan = mix.prepare()
        dataset = _dataset()
        engine = app.extensions["sqlalchemy"].engines[None]
        database, database_name = engine.dialect.name, engine.url.database
    if database != "postgresql":
        database_name = None  # SQLite works inside the gunicorn workers
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    server = serve(env, port, args.workers)
    worker = start_worker(env) if args.redis_url else None
    servers = [server.pid] + ([worker.pid] if worker else [])
    try:
        clients = mix.clients(plan, [_login(base, email) for email, *_rest in plan.clients[: args.clients]])
        calls = mix.calls(plan)
        drive(base, calls, clients, args.warmup, 60)  # templates, caches, connections: not measured
        cpu = [cpu_seconds(servers, database_name)]
        floor_before = drive(base, [floor_call()], clients, 10**9, args.floor_seconds)
        cpu.append(cpu_seconds(servers, database_name))
        measured = drive(base, calls, clients, args.requests, args.seconds)
        cpu.append(cpu_seconds(servers, database_name))
        floor_after = drive(base, [floor_call()], clients, 10**9, args.floor_seconds)
    finally:
        for process in filter(None, (server, worker)):
            process.terminate()
            process.wait(timeout=30)
    floor_rps = (floor_before.requests / floor_before.seconds + floor_after.requests / floor_after.seconds) / 2
    mix_phase = _phase(measured)
    drift = abs(floor_before.requests / floor_before.seconds - floor_after.requests / floor_after.seconds) / floor_rps
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": args.label,
        "database": database,
        "dataset": dataset,
        "machine": _machine(),
        "load_average": {"before": [round(v, 2) for v in load_before], "after": [round(v, 2) for v in os.getloadavg()]},
        "clients": len(clients),
        "gunicorn_workers": args.workers,
        "jobs": "RQ worker" if worker else "in-process",
        "floor_before": _phase(floor_before),
        "mix": mix_phase,
        "floor_after": _phase(floor_after),
        "floor_rps": round(floor_rps, 1),
        "mix_vs_floor_throughput": round(mix_phase["throughput_rps"] / floor_rps, 3),
        "server_cpu_ms_per_request": _cpu_per_request(cpu, floor_before, measured),
        "floor_drift": round(drift, 3),
        "disturbed": drift > 0.25,
    }


def _write(report: dict, name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}-{report.get('when', datetime.now(UTC).isoformat(timespec='seconds'))}.json"
    path = path.with_name(path.name.replace(":", ""))
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    gen = sub.add_parser("generate", help="fill an empty database")
    gen.add_argument("--scale", default="small", choices=["tiny", "small", "national"])
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--reset", action="store_true", help="empty the database first (drops everything in it)")
    gen.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SIZE=N",
        help="change one size of the scale, e.g. --set bookings=10000",
    )
    run = sub.add_parser("load", help="drive the app on a generated database")
    run.add_argument("--seconds", type=float, default=120)
    run.add_argument("--requests", type=int, default=20000)
    run.add_argument("--floor-seconds", type=float, default=15)
    run.add_argument("--warmup", type=int, default=300, help="requests (a minute at most) before measuring")
    run.add_argument("--clients", type=int, default=8)
    run.add_argument("--workers", type=int, default=4, help="gunicorn workers (4: the README's production setting)")
    run.add_argument("--label", default="run")
    run.add_argument(
        "--redis-url",
        help="hand jobs to Redis and one RQ worker (production), not the web process;"
        " a database number of its own: it is emptied",
    )
    for command in (gen, run):
        command.add_argument("--database-url", required=True)
    prof = sub.add_parser("profile", help="each call of the mix in-process: median time and SQL")
    prof.add_argument("--database-url", required=True)
    prof.add_argument("--repeat", type=int, default=10)
    prof.add_argument("--endpoint", help="only this call (its name in the mix); with --pyinstrument, profiled")
    prof.add_argument("--pyinstrument", action="store_true", help="print a pyinstrument profile of --endpoint")
    tally = sub.add_parser("tally", help="time a Schulze tally")
    tally.add_argument("--ballots", type=int, default=100_000)
    tally.add_argument("--options", type=int, default=10)
    report = sub.add_parser("report", help="Markdown tables of result files")
    report.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)

    if args.command == "report":
        from bench.report import markdown

        print(markdown([json.loads(f.read_text()) for f in args.files]))
        return 0
    if args.command == "tally":
        from bench.tally import run as run_tally

        result = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": _machine(),
            "load_average": [round(v, 2) for v in os.getloadavg()],
            **run_tally(args.ballots, args.options),
        }
        print(json.dumps(result, indent=2))
        _write(result, "tally")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="erp-bench-"))  # instance folder (and SQLite file of `make bench`)
    try:
        return _run(parser, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(parser, args, workdir: Path) -> int:
    from bench.report import markdown

    if args.command == "profile":
        from bench.profile import run as profile

        _environment(args.database_url, workdir)
        from core import create_app

        app = create_app({"WTF_CSRF_ENABLED": False})
        for row in profile(app, args.repeat, args.endpoint, args.pyinstrument):
            print(row.pop("profile", ""), end="")
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if args.command == "generate":
        started = time.perf_counter()
        sizes = {key: int(value) for key, value in (item.split("=", 1) for item in args.set)}
        result = generate(args.database_url, args.scale, args.seed, args.reset, workdir, sizes)
        result["seconds"]["with_migrations"] = round(time.perf_counter() - started, 1)
        print(json.dumps(result, indent=2))
        return 0
    if args.command == "load":
        result = load(args.database_url, args, workdir)
        print(f"results: {_write(result, args.label)}")
        print(markdown([result]))
        return 0
    # `make bench`: the small scale on a temporary SQLite database, end to end
    from bench.tally import run as run_tally

    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    print(json.dumps(generate(url, "small", 42, False, workdir)["seconds"]))
    defaults = parser.parse_args(
        ["load", "--database-url", url, "--seconds", "60", "--label", "make-bench-sqlite-small"]
    )
    result = load(url, defaults, workdir)
    print(f"results: {_write(result, defaults.label)}")
    print(markdown([result]))
    print(json.dumps(run_tally(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
