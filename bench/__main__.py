"""`make bench`: generate a database, drive the app under gunicorn, write the report.

    python -m bench [--scale small|national] [--database-url URL] [--seconds 60] [--requests 4000]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench.generate import BENCH_PASSWORD, generate_core
from bench.load import CORE_MIX, ROOT, drive, serve

RESULTS = ROOT / "bench" / "results"


def _sessions(base: str, count: int) -> list:
    pairs = []
    for n in range(count):
        session = requests.Session()
        page = session.get(f"{base}/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        email = f"bench{n:05d}@bench.example"
        response = session.post(f"{base}/login", data={"csrf_token": token, "email": email, "password": BENCH_PASSWORD},
                                allow_redirects=False)
        assert response.status_code == 302, f"login failed for {email}"
        pairs.append((session, {}))
    return pairs


def _api_token(env: dict) -> str:
    code = ("from core import create_app; from core.extensions import db; from core.accounts.models import User; "
            "from core.api.tokens import create_token; app = create_app(); ctx = app.app_context(); ctx.push(); "
            "u = db.session.scalar(db.select(User).where(User.email == 'bench00000@bench.example')); "
            "print(create_token(u, 'bench')[1]); db.session.commit()")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, check=True).stdout.strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--scale", default="small", choices=["small", "national"])
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--modules", help="ERP_MODULES for the run (default: every module)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="erp-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite'}"
    env = {"DATABASE_URL": url, "ERP_INSTANCE_PATH": str(workdir), "SECRET_KEY": "bench-secret",
           "LOGIN_LIMITS": "100000 per minute", "LOGIN_ACCOUNT_LIMITS": "100000 per minute"}
    if args.modules is not None:
        env["ERP_MODULES"] = args.modules
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "modules", "install", "--all"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    code = f"from core import create_app; from bench.generate import generate_core; app = create_app(); " \
           f"ctx = app.app_context(); ctx.push(); print(generate_core({args.scale!r}))"
    generated = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1]
    port = 5900 + os.getpid() % 90
    server = serve(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        sessions = _sessions(base, args.clients)
        token = _api_token(env)
        sessions = [(s, {"Authorization": f"Bearer {token}"}) for s, _ in sessions]
        results = drive(base, CORE_MIX, sessions, args.clients, args.requests, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "scale": args.scale,
              "database": url.split(":")[0], "generated": generated, "clients": args.clients,
              "seconds": round(results.seconds, 1), "rows": results.summary()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"bench-{report['when'].replace(':', '')}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
