"""The realistic mix: what member managers do on a working day, pages and API alike.

``prepare`` runs in an app context before the server starts: it gives the clients (the first
managers of the first member organizations, who also sit on the board) and the managers of
every member an API token, and lists what the calls need (bookable items, open sessions, seats
still to vote). ``calls`` returns the weighted mix. Writes go through the API (the same services
as the pages); every booking a client makes may be cancelled by a later call.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bench.generate import CLIENTS, email_of
from bench.load import FLOOR, Call, Client, Request
from core.accounts.models import Membership, User
from core.api.tokens import create_token
from core.clock import today
from core.db import utcnow
from core.extensions import db
from core.plugins import installed_modules

ISO = "%Y-%m-%dT%H:%M"


@dataclass
class Plan:
    clients: list[tuple[str, int, str, bool]]  # email, organization id, token, on the board
    modules: set[str] = field(default_factory=set)
    run: str = field(default_factory=lambda: secrets.token_hex(4))  # keeps enrolled e-mails new run after run
    categories: list[str] = field(default_factory=list)
    bookable: list[tuple[int, str]] = field(default_factory=list)  # equipment id, open weekdays
    sessions: list[int] = field(default_factory=list)
    votes: list[tuple[str, int, int, str, int, int | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_vote(self):
        with self.lock:
            return self.votes.pop() if self.votes else None


def prepare(seed: int = 7) -> Plan:
    """Tokens and the lists the calls draw from (commits the tokens)."""
    managers = {}
    for org_id, user_id in db.session.execute(
        db.select(Membership.organization_id, db.func.min(Membership.user_id))
        .where(Membership.role == "member_manager")
        .group_by(Membership.organization_id)
    ):
        managers[org_id] = user_id
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(list(managers.values()))))}
    tokens = {org_id: create_token(users[user_id], "bench")[1] for org_id, user_id in managers.items()}
    clients = []
    for index in range(CLIENTS):
        user = db.session.scalar(db.select(User).where(User.email == email_of(index + 1)))
        org_id = next(m.organization_id for m in user.memberships if m.role == "member_manager")
        clients.append((user.email, org_id, tokens[org_id], "board_member" in user.roles))
    installed = installed_modules()
    plan = Plan(clients, set(installed))
    if "pooling" in installed:
        _pooling(plan)
    if "training" in installed:
        _training(plan)
    if "governance" in installed:
        _governance(plan, tokens, seed)
    db.session.commit()
    return plan


def _pooling(plan: Plan) -> None:
    from modules.pooling.models import Equipment

    plan.categories = list(db.session.scalars(db.select(Equipment.category).distinct().order_by(Equipment.category)))
    plan.bookable = list(
        db.session.execute(
            db.select(Equipment.id, Equipment.open_weekdays)
            .where(
                Equipment.active,
                Equipment.booking_scope == "all",
                Equipment.quota_bookings_per_month.is_(None),
                Equipment.quota_days_per_month.is_(None),
                Equipment.min_hours <= 8,
                Equipment.max_hours >= 56,
                Equipment.lead_hours <= 24 * 7,
            )
            .order_by(Equipment.id)
        ).all()
    )


def _training(plan: Plan) -> None:
    from modules.training.models import PLANNED, TrainingSession

    plan.sessions = list(
        db.session.scalars(
            db.select(TrainingSession.id)
            .where(
                TrainingSession.status == PLANNED,
                TrainingSession.cap_per_org.is_(None),
                TrainingSession.go_no_go_at > utcnow() + timedelta(days=1),
            )
            .order_by(TrainingSession.id)
        )
    )


def _governance(plan: Plan, tokens: dict[int, str], seed: int) -> None:
    """Seats of open polls that have not voted, each cast by its organization's manager."""
    import random

    from modules.governance.models import Participation, Poll, PollOption, PollVoter

    options = dict(
        db.session.execute(
            db.select(PollOption.poll_id, db.func.count(PollOption.id)).group_by(PollOption.poll_id)
        ).all()
    )
    voted = db.select(Participation.voter_id).where(Participation.poll_id == PollVoter.poll_id)
    rows = db.session.execute(
        db.select(PollVoter.id, PollVoter.poll_id, PollVoter.organization_id, Poll.method, Poll.max_choices)
        .join(Poll, Poll.id == PollVoter.poll_id)
        .where(
            Poll.status == "open",
            Poll.closes_at > utcnow() + timedelta(hours=1),
            PollVoter.organization_id.is_not(None),
            PollVoter.proxy_holder_id.is_(None),
            PollVoter.id.not_in(voted),
        )
        .order_by(PollVoter.id)
    ).all()
    plan.votes = [
        (tokens[org], poll, voter, method, options.get(poll, 0), max_choices)
        for voter, poll, org, method, max_choices in rows
        if org in tokens
    ]
    random.Random(seed).shuffle(plan.votes)


# --- the calls ------------------------------------------------------------------------------


def _weekday_ok(day: date, weekdays: str) -> bool:
    return str(day.isoweekday()) in weekdays


def _period(rng, first: int, last: int, weekdays: str = "1234567") -> tuple[datetime, datetime]:
    """A Paris wall-clock period: a day from 9:00 to 17:00, or over two or three days."""
    day = today() + timedelta(days=rng.randint(first, last))
    length = rng.choice((0, 0, 1, 2))
    while not (_weekday_ok(day, weekdays) and _weekday_ok(day + timedelta(days=length), weekdays)):
        day += timedelta(days=1)
    return datetime.combine(day, time(9)), datetime.combine(day + timedelta(days=length), time(17))


def _choice(method: str, options: int, max_choices: int | None, rng):
    if method == "yes_no":
        return rng.choice(("yes", "no", "abstain"))
    if method == "single":
        return rng.randrange(options)
    if method == "approval":
        return rng.sample(range(options), rng.randint(1, max_choices or options))
    if method == "ranked":
        return rng.sample(range(options), options)
    return [rng.randrange(6) for _ in range(options)]


def calls(plan: Plan) -> list[Call]:
    def page(path):
        return lambda client, rng: Request("GET", path)

    def api(path):
        return lambda client, rng: Request("GET", path, api=True)

    def search_page(client, rng):
        start, end = _period(rng, 7, 60)
        return Request(
            "GET", f"/pooling/?start={start:{ISO}}&end={end:{ISO}}&category={rng.choice(plan.categories)}&max_km=50"
        )

    def search_api(client, rng):
        start, end = _period(rng, 7, 60)
        return Request(
            "GET",
            f"/api/v1/pooling/equipment/search?start={start:{ISO}}&end={end:{ISO}}"
            f"&category={rng.choice(plan.categories)}&max_km=50",
            api=True,
        )

    def item_page(client, rng):
        return Request("GET", f"/pooling/equipment/{rng.choice(plan.bookable)[0]}")

    def book(client, rng):
        equipment_id, weekdays = rng.choice(plan.bookable)
        start, end = _period(rng, 14, 120, weekdays)
        return Request(
            "POST",
            "/api/v1/pooling/bookings",
            api=True,
            json={"equipment_id": equipment_id, "start": f"{start:{ISO}}", "end": f"{end:{ISO}}", "purpose": "bench"},
        )

    def remember_booking(client, response):
        if response.status_code == 201:  # a 409 (slot taken) is a fair answer, with nothing to cancel
            client.memory.setdefault("bookings", []).extend(b["id"] for b in response.json())

    def cancel(client, rng):
        pending = client.memory.get("bookings")
        return Request("POST", f"/api/v1/pooling/bookings/{pending.pop()}/cancel", api=True) if pending else None

    def enrol(client, rng):
        if not plan.sessions:
            return None
        serial = client.memory["enrolled"] = client.memory.get("enrolled", 0) + 1
        return Request(
            "POST",
            f"/api/v1/training/sessions/{rng.choice(plan.sessions)}/enrolments",
            api=True,
            json={
                "organization_id": client.organization_id,
                "name": f"Stagiaire bench {client.index}-{serial}",
                "email": f"stagiaire-{plan.run}-{client.index}-{serial}@bench.example",
            },
        )

    def vote(client, rng):
        seat = plan.next_vote()
        if seat is None:
            return None
        token, poll_id, voter_id, method, options, max_choices = seat
        return Request(
            "POST",
            f"/api/v1/governance/polls/{poll_id}/ballots",
            api=True,
            token=token,
            json={"voter_id": voter_id, "choice": _choice(method, options, max_choices, rng)},
        )

    installed = plan.modules
    mix = [
        Call(FLOOR, "floor", 4, page("/ping")),
        Call("dashboard", "read", 10, page("/dashboard")),
        Call("calendar (month)", "read", 5, page("/calendar")),
        Call("API organizations list", "read", 2, api("/api/v1/organizations?per_page=25")),
    ]
    if "pooling" in installed and plan.bookable:
        mix += [
            Call("equipment date search (page)", "read", 7, search_page),
            Call("equipment date search (API)", "read", 3, search_api),
            Call("equipment page (4-week availability)", "read", 4, item_page),
            Call("API bookings list", "read", 3, api("/api/v1/pooling/bookings?per_page=25")),
            Call("book (API)", "write", 6, book, ok=(201, 409), after=remember_booking),
            Call("cancel a booking (API)", "write", 4, cancel),
        ]
    if "training" in installed:
        mix += [
            Call("training catalogue", "read", 4, page("/training/")),
            Call("API training sessions list", "read", 2, api("/api/v1/training/sessions?per_page=25")),
            Call("enrol (API)", "write", 5, enrol, ok=(201,)),
        ]
    if "governance" in installed:
        mix += [
            Call("polls page", "read", 3, page("/governance/polls")),
            Call("API polls list", "read", 2, api("/api/v1/governance/polls?per_page=25")),
            Call("vote (API)", "write", 5, vote, ok=(201,)),
        ]
    if "observatory" in installed:
        mix += [
            Call(
                "observatory dashboard (region)",
                "read",
                3,
                lambda client, rng: Request("GET", "/observatory/dashboard") if client.board else None,
            ),
            Call(
                "observatory dashboard (own structure)",
                "read",
                3,
                lambda client, rng: Request("GET", f"/observatory/dashboard?org={client.organization_id}"),
            ),
            Call("API observatory reports list", "read", 2, api("/api/v1/observatory/reports?per_page=25")),
        ]
    return mix


def clients(plan: Plan, sessions) -> list[Client]:
    return [
        Client(index, email, org_id, session, token, board)
        for index, ((email, org_id, token, board), session) in enumerate(zip(plan.clients, sessions))
    ]
