"""Fill a database at network scale, fast and repeatably (one seed), with bulk inserts.

``generate(scale)`` writes the core tables (organizations, people, roles), then calls the
generator of every installed module (``bench/<module>.py``, a ``generate(network)`` function)
with the ``Network`` they share. Rows satisfy the schema's constraints and the services'
invariants, so the app behaves on them as it would on real data.
"""

from __future__ import annotations

import importlib
import random
import time
from dataclasses import dataclass, field
from datetime import datetime

from werkzeug.security import generate_password_hash

from bench.bulk import Bulk
from core.accounts.models import Membership, Organization, User
from core.db import utcnow
from core.plugins import installed_modules

# National: the whole country's network. Small: about 1 % of it (10,000 bookings), for quick runs.
# Tiny: a few rows of everything, for the test that keeps the generators working.
SCALES = {
    "national": {
        "organizations": 1000,
        "users": 20000,
        "equipment": 5000,
        "bookings": 1_000_000,
        "campaigns": 100,
        "courses": 40,
        "trainers": 60,
        "sessions": 2000,
        "enrolments": 100_000,
        "projects": 500,
        "host_sites": 100,
        "polls": 200,
        "ballots": 100_000,
        "needs": 300,
        "years": 10,
        "region": ((43.2, 50.6), (-1.2, 7.2)),
    },
    "small": {
        "organizations": 50,
        "users": 500,
        "equipment": 50,
        "bookings": 10_000,
        "campaigns": 5,
        "courses": 10,
        "trainers": 6,
        "sessions": 20,
        "enrolments": 1000,
        "projects": 5,
        "host_sites": 5,
        "polls": 20,
        "ballots": 500,
        "needs": 10,
        "years": 10,
        "region": ((46.4, 48.5), (0.2, 3.0)),
    },
    "tiny": {
        "organizations": 6,
        "users": 40,
        "equipment": 4,
        "bookings": 80,
        "campaigns": 2,
        "courses": 2,
        "trainers": 2,
        "sessions": 4,
        "enrolments": 40,
        "projects": 2,
        "host_sites": 2,
        "polls": 3,
        "ballots": 6,
        "needs": 3,
        "years": 2,
        "region": ((46.4, 48.5), (0.2, 3.0)),
    },
}
MODULES = ("pooling", "training", "incubation", "governance", "observatory")
BENCH_PASSWORD = "bench-password-1"
CLIENTS = 8  # the load driver's people: the first managers of the first member organizations
BOARD_CLIENTS = 2  # of whom the first two also sit on the board (they see the regional figures)


def email_of(index: int) -> str:
    return f"bench{index:05d}@bench.example"


@dataclass
class Network:
    """What the core generator made, for the module generators to build on."""

    sizes: dict
    seed: int
    now: datetime
    bulk: Bulk
    network_id: int = 0
    admin_id: int = 0
    members: list[int] = field(default_factory=list)
    coords: dict[int, tuple[float, float]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # organization id -> name
    managers: dict[int, list[int]] = field(default_factory=dict)
    staff: dict[int, list[int]] = field(default_factory=dict)
    board: list[int] = field(default_factory=list)
    people: dict[int, tuple[str, str]] = field(default_factory=dict)  # user id -> (name, email)

    def rng(self, name: str) -> random.Random:
        """One random stream per generator: a module's rows do not move when another changes."""
        return random.Random(f"{self.seed}:{name}")

    def grant(self, rows: list[tuple[int, int, str]]) -> None:
        """Extra memberships (user id, organization id, role) a module needs (trainers, holders)."""
        ids = self.bulk.next_ids(Membership, len(rows))
        self.bulk.insert(
            Membership, ("id", "user_id", "organization_id", "role"), ((i, *row) for i, row in zip(ids, rows))
        )


def generate_core(net: Network) -> None:
    """Organizations spread over the scale's area, people with one role each, a coordinator."""
    sizes, rng, bulk, now = net.sizes, net.rng("core"), net.bulk, net.now
    (lat_low, lat_high), (lon_low, lon_high) = sizes["region"]
    org_ids = list(bulk.next_ids(Organization, sizes["organizations"]))
    net.network_id, net.members = org_ids[0], org_ids[1:]
    orgs = []
    for n, org_id in enumerate(org_ids):
        lat, lon = rng.uniform(lat_low, lat_high), rng.uniform(lon_low, lon_high)
        net.coords[org_id] = (lat, lon)
        net.names[org_id] = f"Ressourcerie bench {n:05d}" if n else "Réseau bench des ressourceries"
        orgs.append(
            (
                org_id,
                net.names[org_id],
                "network" if n == 0 else "member",
                f"Ville {n % 400}",
                f"{n} rue du Réemploi",
                round(lat, 6),
                round(lon, 6),
                True,
                now,
                now,
            )
        )
    bulk.insert(
        Organization,
        ("id", "name", "kind", "city", "address", "latitude", "longitude", "active", "created_at", "updated_at"),
        orgs,
    )
    password = generate_password_hash(BENCH_PASSWORD)  # one hash: 20,000 of them would dominate the run
    user_ids = list(bulk.next_ids(User, sizes["users"]))
    memberships = []
    for n, user_id in enumerate(user_ids):
        name = f"Bench user {n}"
        net.people[user_id] = (name, email_of(n))
        if n == 0:
            net.admin_id = user_id
            memberships.append((user_id, net.network_id, "network_admin"))
            continue
        position, org_index = divmod(n - 1, len(net.members))
        org_id = net.members[org_index]
        if position < 2:
            net.managers.setdefault(org_id, []).append(user_id)
            memberships.append((user_id, org_id, "member_manager"))
            if position == 0 and org_index < BOARD_CLIENTS:
                net.board.append(user_id)
                memberships.append((user_id, org_id, "board_member"))
        elif position == 2 and org_index % 10 == 0:
            net.board.append(user_id)
            memberships.append((user_id, org_id, "board_member"))
        else:
            net.staff.setdefault(org_id, []).append(user_id)
            memberships.append((user_id, org_id, "member_staff"))
    bulk.insert(
        User,
        (
            "id",
            "email",
            "name",
            "password_hash",
            "locale",
            "active",
            "session_version",
            "email_confirmed_at",
            "created_at",
            "updated_at",
        ),
        (
            (uid, email, name, password, "fr", True, f"{uid:016x}", now, now, now)
            for uid, (name, email) in net.people.items()
        ),
    )
    memberships_ids = bulk.next_ids(Membership, len(memberships))
    bulk.insert(
        Membership,
        ("id", "user_id", "organization_id", "role"),
        ((i, *row) for i, row in zip(memberships_ids, memberships)),
    )


def generate(scale: str, seed: int = 42, sizes: dict | None = None) -> dict:
    """Fill the current app's (empty) database; returns the rows written and the seconds spent.
    ``sizes`` changes some sizes of the scale (e.g. a national network with fewer bookings)."""
    unknown = set(sizes or {}) - set(SCALES[scale])
    if unknown:
        raise ValueError(f"unknown sizes: {', '.join(sorted(unknown))}")
    net = Network({**SCALES[scale], **(sizes or {})}, seed, utcnow().replace(microsecond=0), Bulk())
    timings = {}
    started = time.perf_counter()
    generate_core(net)
    timings["core"] = round(time.perf_counter() - started, 1)
    installed = installed_modules()
    for name in MODULES:
        if name in installed:
            began = time.perf_counter()
            importlib.import_module(f"bench.{name}").generate(net)
            timings[name] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    net.bulk.finish()
    timings["commit_and_analyze"] = round(time.perf_counter() - began, 1)
    timings["total"] = round(time.perf_counter() - started, 1)
    return {
        "scale": scale,
        "seed": seed,
        "sizes": sizes or {},
        "rows": dict(sorted(net.bulk.counts.items())),
        "seconds": timings,
    }
