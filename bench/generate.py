"""Fill a database at network scale, fast and repeatably (seeded), with bulk inserts.

Core tables here; each module contributes its own generator in bench/<module>.py when present.
"""
from __future__ import annotations

import random
import time

from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from core.accounts.models import Membership, Organization, User
from core.db import utcnow
from core.extensions import db

SCALES = {
    "small": {"organizations": 50, "users": 500},
    "national": {"organizations": 1000, "users": 20000},
}
BATCH = 5000
BENCH_PASSWORD = "bench-password-1"


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def generate_core(scale: str, seed: int = 42) -> dict:
    """Organizations (members with coordinates), users with a membership each; returns timings."""
    sizes = SCALES[scale]
    rng = random.Random(seed)
    started = time.perf_counter()
    now = utcnow()
    _bulk(Organization, [
        {"name": f"Bench ressourcerie {n:05d}", "kind": "network" if n == 0 else "member",
         "city": f"Ville {n % 300}", "latitude": 42 + rng.random() * 8, "longitude": -4 + rng.random() * 12,
         "active": True, "created_at": now, "updated_at": now}
        for n in range(sizes["organizations"])
    ])
    org_ids = list(db.session.scalars(db.select(Organization.id).where(Organization.name.like("Bench %"))))
    password = generate_password_hash(BENCH_PASSWORD)  # one hash: hashing 20,000 would dominate the run
    _bulk(User, [
        {"email": f"bench{n:05d}@bench.example", "name": f"Bench user {n}", "password_hash": password,
         "locale": "fr", "active": True, "session_version": f"{n:016x}", "created_at": now, "updated_at": now}
        for n in range(sizes["users"])
    ])
    user_ids = list(db.session.scalars(db.select(User.id).where(User.email.like("bench%@bench.example"))))
    roles = ["member_staff"] * 6 + ["member_manager"] * 3 + ["board_member"]
    _bulk(Membership, [
        {"user_id": uid, "organization_id": org_ids[1 + i % (len(org_ids) - 1)], "role": rng.choice(roles)}
        for i, uid in enumerate(user_ids)
    ])
    _bulk(Membership, [{"user_id": user_ids[0], "organization_id": org_ids[0], "role": "network_admin"}])
    db.session.commit()
    return {"organizations": len(org_ids), "users": len(user_ids), "seconds": round(time.perf_counter() - started, 2)}
