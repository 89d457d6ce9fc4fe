"""Demo data: a believable regional network, then each installed module's own demo records.

Safe to run twice: the core part is created once, and each module's part once per install.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.accounts import services
from core.accounts.models import Organization, User
from core.accounts.roles import (
    BOARD_MEMBER,
    HOST_REFERENT,
    MEMBER_MANAGER,
    MEMBER_STAFF,
    NETWORK_ADMIN,
    PROJECT_HOLDER,
    TRAINER,
    TREASURER,
)
from core.extensions import db
from core.plugins import installed_modules, registry

DEMO_PASSWORD = "ressources2026"
NETWORK = "Réseau des ressourceries Centre-Val de Loire et Limousin"

MEMBERS = [
    # key, name, city, region, latitude, longitude
    ("tours", "Ressourcerie La Charpente", "Tours", "Centre-Val de Loire", 47.3941, 0.6848),
    ("orleans", "Ressourcerie Le Chantier", "Orléans", "Centre-Val de Loire", 47.9030, 1.9093),
    ("blois", "La Ressourcerie de Blois", "Blois", "Centre-Val de Loire", 47.5861, 1.3359),
    ("bourges", "Ressourcerie du Cher", "Bourges", "Centre-Val de Loire", 47.0810, 2.3988),
    ("chateauroux", "Recyclerie de l'Indre", "Châteauroux", "Centre-Val de Loire", 46.8103, 1.6913),
    ("chartres", "Ressourcerie Eure-et-Loir", "Chartres", "Centre-Val de Loire", 48.4439, 1.4890),
    ("montargis", "Ressourcerie du Gâtinais", "Montargis", "Centre-Val de Loire", 47.9975, 2.7333),
    ("limoges", "Ressourcerie Limousine", "Limoges", "Nouvelle-Aquitaine (Limousin)", 45.8336, 1.2611),
    ("gueret", "Ressourcerie de la Creuse", "Guéret", "Nouvelle-Aquitaine (Limousin)", 46.1714, 1.8714),
    ("tulle", "Ressourcerie de Corrèze", "Tulle", "Nouvelle-Aquitaine (Limousin)", 45.2671, 1.7722),
    ("brive", "Le Grenier de Brive", "Brive-la-Gaillarde", "Nouvelle-Aquitaine (Limousin)", 45.1589, 1.5321),
    ("vendome", "Ressourcerie du Vendômois", "Vendôme", "Centre-Val de Loire", 47.7930, 1.0657),
]
PARTNERS = [
    ("national", "Réseau national des ressourceries", "Paris", 48.8566, 2.3522),
    ("region", "Région Centre-Val de Loire", "Orléans", 47.9029, 1.9039),
    ("syndicat", "Syndicat de traitement des déchets du Loiret", "Orléans", 47.9000, 1.9000),
]
PROJECTS = [
    ("vierzon", "Projet de ressourcerie à Vierzon", "Vierzon", 47.2219, 2.0686),
    ("aubusson", "Projet de recyclerie à Aubusson", "Aubusson", 45.9562, 2.1681),
]
# e-mail local part, name, organization key, role: one demo account per role (see README)
PEOPLE = [
    ("coordination", "Claire Martin", "network", NETWORK_ADMIN),
    ("bureau", "Paul Lefèvre", "network", BOARD_MEMBER),
    ("gestion", "Sophie Bernard", "tours", MEMBER_MANAGER),
    ("equipe", "Karim Benali", "tours", MEMBER_STAFF),
    ("formatrice", "Hélène Roux", "national", TRAINER),
    ("accueil", "Julien Moreau", "limoges", HOST_REFERENT),
    ("porteuse", "Amina Diallo", "vierzon", PROJECT_HOLDER),
    ("tresorerie", "Nathalie Perrin", "network", TREASURER),
]
BOARD = ["Marie Dubois", "Thomas Petit", "Nadia Haddad", "Luc Girard", "Élodie Fournier"]


@dataclass
class DemoNetwork:
    """What core created, handed to each module's ``demo.load``."""

    network: Organization
    members: dict[str, Organization] = field(default_factory=dict)
    partners: dict[str, Organization] = field(default_factory=dict)
    projects: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by e-mail local part

    @property
    def organizations(self) -> dict[str, Organization]:
        return {"network": self.network, **self.members, **self.partners, **self.projects}


def email(local: str) -> str:
    return f"{local}@ressourceries.example"


def _core_demo() -> DemoNetwork:
    network = db.session.scalar(db.select(Organization).where(Organization.name == NETWORK))
    if network is not None:
        return _existing(network)
    network = services.create_organization(
        NETWORK,
        "network",
        city="Orléans",
        region="Centre-Val de Loire",
        latitude=47.9029,
        longitude=1.9093,
        email=email("contact"),
    )
    demo = DemoNetwork(network=network)
    for key, name, city, region, lat, lon in MEMBERS:
        demo.members[key] = services.create_organization(
            name,
            "member",
            city=city,
            region=region,
            latitude=lat,
            longitude=lon,
            address=f"1 rue du Réemploi, {city}",
            email=email(key),
        )
    for key, name, city, lat, lon in PARTNERS:
        demo.partners[key] = services.create_organization(name, "partner", city=city, latitude=lat, longitude=lon)
    for key, name, city, lat, lon in PROJECTS:
        demo.projects[key] = services.create_organization(name, "project", city=city, latitude=lat, longitude=lon)
    orgs = demo.organizations
    for local, name, org_key, role in PEOPLE:
        user = services.create_user(email(local), name, DEMO_PASSWORD)
        services.grant_role(user, orgs[org_key].id, role)
        demo.users[local] = user
    services.grant_role(demo.users["bureau"], demo.members["orleans"].id, MEMBER_MANAGER)
    for index, name in enumerate(BOARD):
        key = list(demo.members)[index + 1]
        user = services.create_user(email(f"bureau{index + 2}"), name, DEMO_PASSWORD)
        services.grant_role(user, network.id, BOARD_MEMBER)
        services.grant_role(user, demo.members[key].id, MEMBER_MANAGER)
        demo.users[f"bureau{index + 2}"] = user
    for key, org in demo.members.items():
        if not any(MEMBER_MANAGER in u.roles_in(org.id) for u in demo.users.values()):
            user = services.create_user(email(f"gestion-{key}"), f"Équipe {org.city}", DEMO_PASSWORD)
            services.grant_role(user, org.id, MEMBER_MANAGER)
            demo.users[f"gestion-{key}"] = user
    db.session.commit()
    return demo


def _existing(network: Organization) -> DemoNetwork:
    demo = DemoNetwork(network=network)
    by_name = {o.name: o for o in db.session.scalars(db.select(Organization))}
    for key, name, *_rest in MEMBERS:
        demo.members[key] = by_name[name]
    for key, name, *_rest in PARTNERS:
        demo.partners[key] = by_name[name]
    for key, name, *_rest in PROJECTS:
        demo.projects[key] = by_name[name]
    for user in db.session.scalars(db.select(User).where(User.email.like("%@ressourceries.example"))):
        demo.users[user.email.split("@")[0]] = user
    return demo


def load_demo() -> list[str]:
    """Create the core demo network, then each installed module's demo data, dependencies first."""
    from core.modules import InstalledModule

    demo = _core_demo()
    lines = [f"core: {len(demo.organizations)} organizations, {len(demo.users)} users"]
    reg = registry()
    for name in reg.manifests:  # manifests are kept in load (dependency) order
        row = db.session.get(InstalledModule, name)
        if name not in installed_modules() or row is None or row.demo_loaded:
            continue
        load = reg.modules[name].load_demo
        if load is not None:
            load(demo)
        row.demo_loaded = True
        db.session.commit()
        lines.append(f"{name}: demo data loaded")
    return lines
