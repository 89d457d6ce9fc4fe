"""A network of any size, built through the services, for tests that compare a page at N and
3N rows (query budgets) and for the fault tests.

``Network`` holds the people who look at the pages: a network admin, and a "home" member
organization with its manager, staff, a board member, a trainer, a host referent and a project
holder. ``grow(count)`` adds ``count`` units; a unit is a new member organization with its
manager, and one record of each kind every installed module lists, tied to the home
organization where a page is scoped to it (a booking by home of the unit's trailer, a home
employee enrolled in the unit's session, the unit's project hosted at home, a home ballot in the
unit's poll...). So every list, seen by any of these people, gains rows with each unit, and the
rows point at new related records (organizations, people), which is what an N+1 query needs to
show itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from core import jobs, ledger
from core.accounts import services as accounts
from core.accounts.roles import (
    BOARD_MEMBER,
    HOST_REFERENT,
    MEMBER_MANAGER,
    MEMBER_STAFF,
    NETWORK_ADMIN,
    PROJECT_HOLDER,
    TRAINER,
)
from core.extensions import db
from core.plugins import installed_modules, registry

PASSWORD = "correct-horse-42"


@dataclass
class Network:
    admin: object = None
    network: object = None
    national: object = None
    home: object = None
    manager: object = None
    staff: object = None
    board: object = None
    trainer: object = None
    referent: object = None
    holder: object = None
    project_org: object = None
    units: list = field(default_factory=list)
    modules: dict = field(default_factory=dict)  # per module: what its builder set up once

    @property
    def viewers(self) -> dict:
        return {
            "admin": self.admin,
            "manager": self.manager,
            "staff": self.staff,
            "board": self.board,
            "trainer": self.trainer,
            "referent": self.referent,
            "holder": self.holder,
        }

    def grow(self, count: int) -> None:
        for _ in range(count):
            self._add_unit()
        db.session.commit()

    def _add_unit(self) -> None:
        index = len(self.units) + 1
        org = accounts.create_organization(
            f"Ressourcerie unité {index}",
            "member",
            city=f"Ville {index}",
            address=f"{index} rue du Réemploi",
            latitude=47.0 + index / 100,
            longitude=1.0 + index / 100,
        )
        manager = person(f"manager{index}", f"Gestion {index}", org, MEMBER_MANAGER, HOST_REFERENT)
        unit = SimpleNamespace(index=index, org=org, manager=manager)
        ledger.post_charge(org.id, self.home.id, Decimal("12.50") + index, f"Unit {index} fee", f"tests:unit{index}")
        dead = jobs.enqueue("tests.builders:no_such_job", index)
        dead.status, dead.last_error = "dead", "LookupError: kept for the admin list"
        for name in _builders():
            _builder(name).add(self, unit)
        db.session.flush()
        self.units.append(unit)


def person(local: str, name: str, org, *roles: str, password: str | None = None):
    user = accounts.create_user(f"{local}@builders.example", name, password)
    for role in roles:
        accounts.grant_role(user, org.id, role)
    return user


def _builders() -> list[str]:
    """The installed modules that have a builder here, in load (dependency) order."""
    return [
        name
        for name in registry().manifests
        if name in installed_modules() and (Path(__file__).parent / f"{name}.py").exists()
    ]


def _builder(name: str):
    import importlib

    return importlib.import_module(f"tests.builders.{name}")


def build_network() -> Network:
    """The people who look at the pages, and what each installed module needs once."""
    net = Network()
    net.network = accounts.create_organization("Réseau test", "network", city="Orléans")
    net.home = accounts.create_organization(
        "Ressourcerie maison", "member", city="Tours", address="1 rue, Tours", latitude=47.39, longitude=0.68
    )
    net.national = accounts.create_organization("Réseau national test", "partner", city="Paris")
    net.project_org = accounts.create_organization("Projet maison", "project", city="Vierzon")
    net.admin = person("admin", "Admin", net.network, NETWORK_ADMIN, password=PASSWORD)
    net.manager = person("manager", "Manager", net.home, MEMBER_MANAGER, password=PASSWORD)
    net.staff = person("staff", "Staff", net.home, MEMBER_STAFF, password=PASSWORD)
    net.board = person("board", "Board", net.network, BOARD_MEMBER, password=PASSWORD)
    net.trainer = person("trainer", "Trainer", net.national, TRAINER, password=PASSWORD)
    net.referent = person("referent", "Referent", net.home, HOST_REFERENT, password=PASSWORD)
    net.holder = person("holder", "Holder", net.project_org, PROJECT_HOLDER, password=PASSWORD)
    for name in _builders():
        net.modules[name] = _builder(name).prepare(net)
    db.session.commit()
    return net
