"""Governance at scale: the assembly of every member and a board of persons, years of meetings,
polls with their frozen voter lists and ballots, the shared-needs board.

One ballot per seat: each poll's voters are drawn without replacement and every ballot has its
participation row. Closed polls carry the result hash of their published ballots, computed by
the module's own canonical form, so results pages find it matching. A few polls stay open, with
most seats still to vote, for the load driver.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

from core.clock import local
from modules.governance.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Body,
    BodyMember,
    Meeting,
    Motion,
    Need,
    NeedSupport,
    Participation,
    Poll,
    PollOption,
    PollVoter,
)
from modules.governance.services.tally.canonical import WEIGHT_PLACES, result_hash
from modules.governance.services.tally.judgment import GRADES
from modules.governance.services.tally.publication import make_pool, pool_document, split_by_weight_class

METHODS = ("yes_no", "single", "approval", "ranked", "judgment")
METHOD_WEIGHTS = (40, 20, 15, 15, 10)
OPEN_EVERY = 20  # one poll in twenty is open now,
MIN_OPEN = 5  # and at least five (of at least ten), so that a small network has seats left to vote for
OPEN_TURNOUT = 0.3
POLL_COLUMNS = (
    "id",
    "body_id",
    "question",
    "description",
    "method",
    "rule",
    "abstentions",
    "quorum_kind",
    "quorum_percent",
    "secret",
    "allow_change",
    "max_choices",
    "opens_at",
    "closes_at",
    "status",
    "frozen_at",
    "closed_at",
    "result_hash",
    "created_by_id",
    "created_at",
    "updated_at",
)


def _bodies(net, rng, start: date) -> tuple[dict, dict]:
    """The assembly (organization seats) and the board (person seats): {body id: [(member, weight, org, user)]}."""
    bulk = net.bulk
    assembly, board = bulk.next_ids(Body, 2)
    bulk.insert(
        Body,
        (
            "id",
            "name",
            "kind",
            "seat_kind",
            "description",
            "proxy_cap",
            "notice_days",
            "quorum_percent",
            "created_at",
            "updated_at",
        ),
        [
            (
                assembly,
                "Assemblée générale bench",
                "assembly",
                "organization",
                "",
                2,
                15,
                Decimal(50),
                net.now,
                net.now,
            ),
            (board, "Conseil d'administration bench", "board", "person", "", 1, 7, Decimal(50), net.now, net.now),
        ],
    )
    seats = {assembly: [], board: []}
    for member_id, org in zip(bulk.next_ids(BodyMember, len(net.members)), net.members):
        seats[assembly].append((member_id, Decimal(2 if org % 7 == 0 else 1), org, None))
    for member_id, user in zip(bulk.next_ids(BodyMember, len(net.board)), net.board):
        seats[board].append((member_id, Decimal(1), None, user))
    bulk.insert(
        BodyMember,
        ("id", "body_id", "organization_id", "user_id", "weight", "role_title", "start_date"),
        (
            (m, body, org, user, weight, "", start)
            for body, members in seats.items()
            for m, weight, org, user in members
        ),
    )
    labels = {
        m: net.names[org] if org else net.people[user][0] for members in seats.values() for m, _w, org, user in members
    }
    return seats, labels


def _meetings(net, rng, seats) -> None:
    bulk, (assembly, board) = net.bulk, list(seats)
    rows, items, motions, attendance = [], [], [], []
    for year in range(net.sizes["years"]):
        for body, count in ((assembly, 1), (board, 4)):
            for k in range(count):
                meeting_id = bulk.next_ids(Meeting, 1)[0]
                starts = net.now - timedelta(days=365 * year + 90 * k + 30)
                rows.append(
                    (
                        meeting_id,
                        body,
                        f"Réunion {year}-{k}",
                        starts,
                        starts + timedelta(hours=3),
                        "hybrid",
                        "Salle du réseau",
                        starts - timedelta(days=20),
                        "Compte rendu.",
                        False,
                        starts,
                        starts,
                    )
                )
                item_id = bulk.next_ids(AgendaItem, 1)[0]
                items.append((item_id, meeting_id, 1, "Rapport d'activité", ""))
                present = 0
                for member_id, _w, _org, _user in seats[body]:
                    state = rng.choices(("present", "represented", "excused", "absent"), (70, 5, 15, 10))[0]
                    present += state == "present"
                    attendance.append((meeting_id, member_id, state))
                motions.append(
                    (
                        item_id,
                        "Le rapport d'activité est approuvé.",
                        present - present // 10,
                        present // 20,
                        present // 10 - present // 20,
                        True,
                    )
                )
    bulk.insert(
        Meeting,
        (
            "id",
            "body_id",
            "title",
            "starts_at",
            "ends_at",
            "mode",
            "location",
            "convened_at",
            "minutes_notes",
            "cancelled",
            "created_at",
            "updated_at",
        ),
        rows,
    )
    bulk.insert(AgendaItem, ("id", "meeting_id", "position", "title", "description"), items)
    bulk.insert(
        Motion,
        ("id", "agenda_item_id", "text", "votes_for", "votes_against", "votes_abstain", "adopted"),
        ((i, *row) for i, row in zip(bulk.next_ids(Motion, len(motions)), motions)),
    )
    bulk.insert(
        Attendance,
        ("id", "meeting_id", "member_id", "status"),
        ((i, *row) for i, row in zip(bulk.next_ids(Attendance, len(attendance)), attendance)),
    )


def _choice(method: str, options: int, max_choices, rng):
    if rng.random() < 0.03:
        return None if method in ("yes_no", "single") else []  # a blank ballot
    if method == "yes_no":
        return rng.choices(("yes", "no", "abstain"), (60, 30, 10))[0]
    if method == "single":
        return rng.randrange(options)
    if method == "approval":
        return sorted(rng.sample(range(options), rng.randint(1, max_choices or options)))
    if method == "ranked":
        return sorted(range(options), key=lambda o: rng.random() + 0.1 * (o == 0))[: rng.randint(2, options)]
    return [min(GRADES - 1, max(0, round(rng.gauss(2.5, 1.3)))) for _o in range(options)]


def _turnouts(net, rng, polls) -> list[int]:
    """Ballots per poll: open polls keep most seats free, closed ones share the rest of the total."""
    target = net.sizes["ballots"]
    counts = [round(len(seats) * OPEN_TURNOUT) if is_open else 0 for is_open, seats in polls]
    closed = [i for i, (is_open, _s) in enumerate(polls) if not is_open]
    share = max(0, target - sum(counts)) / max(1, sum(len(polls[i][1]) for i in closed))
    for i in closed:
        counts[i] = min(len(polls[i][1]), round(len(polls[i][1]) * share * rng.uniform(0.8, 1.2)))
    diff = target - sum(counts)
    for i in closed * 3:  # nudge the closed polls until the total is exact (within their seats)
        if diff == 0:
            break
        step = max(-counts[i], min(len(polls[i][1]) - counts[i], diff))
        counts[i] += step
        diff -= step
    return counts


def _polls(net, rng, seats, labels) -> None:
    bulk, now = net.bulk, net.now
    (assembly, board), count = list(seats), net.sizes["polls"]
    opened = [n % OPEN_EVERY == 0 or n < min(MIN_OPEN, count // 2) for n in range(count)]
    plan = [(opened[n], seats[board if n % 10 == 9 and seats[board] else assembly]) for n in range(count)]
    turnouts = _turnouts(net, rng, plan)
    polls, options, voters, participations, ballots = [], [], [], [], []
    voter_ids = iter(bulk.next_ids(PollVoter, sum(len(s) for _o, s in plan)))
    for poll_id, (is_open, poll_seats), turnout in zip(bulk.next_ids(Poll, count), plan, turnouts):
        method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        labels_of_poll = [] if method == "yes_no" else [f"Option {k + 1}" for k in range(rng.randint(3, 10))]
        n_options = len(labels_of_poll)
        max_choices = min(3, n_options) if method == "approval" and rng.random() < 0.5 else None
        secret = rng.random() < 0.7
        opens = now - timedelta(days=2 if is_open else rng.randrange(20, 365 * net.sizes["years"]))
        closes = now + timedelta(days=14) if is_open else opens + timedelta(days=7)
        body = assembly if poll_seats is seats[assembly] else board
        options += [(poll_id, position, label) for position, label in enumerate(labels_of_poll)]
        frozen = [
            (next(voter_ids), member, weight.quantize(WEIGHT_PLACES), org, user)
            for member, weight, org, user in poll_seats
        ]
        voters += [
            (v, poll_id, member, org, user, labels[member], "", weight) for v, member, weight, org, user in frozen
        ]
        published = []
        for voter_id, _member, weight, org, user in rng.sample(frozen, turnout):
            choice = _choice(method, n_options, max_choices, rng)
            receipt = base64.b32encode(rng.randbytes(15)).decode()
            receipt = "-".join(receipt[i : i + 4] for i in range(0, 24, 4))
            participations.append((poll_id, voter_id, user or net.managers[org][0]))
            ballots.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    poll_id,
                    receipt,
                    json.dumps(choice, separators=(",", ":")),
                    weight,
                    None if secret else voter_id,
                )
            )
            published.append({"receipt": receipt, "choice": choice, "weight": weight})
        digest = None if is_open else _sealed_hash(poll_id, method, labels_of_poll, published, secret)
        polls.append(
            (
                poll_id,
                body,
                f"Question bench {poll_id}",
                "",
                method,
                "simple",
                "excluded",
                "voters" if rng.random() < 0.3 else "none",
                Decimal(25),
                secret,
                False,
                max_choices,
                opens,
                closes,
                "open" if is_open else "closed",
                opens,
                None if is_open else closes,
                digest,
                net.admin_id,
                opens - timedelta(days=10),
                opens if is_open else closes,
            )
        )
    bulk.insert(Poll, POLL_COLUMNS, polls)
    bulk.insert(
        PollOption,
        ("id", "poll_id", "position", "label"),
        ((i, *row) for i, row in zip(bulk.next_ids(PollOption, len(options)), options)),
    )
    bulk.insert(
        PollVoter, ("id", "poll_id", "member_id", "organization_id", "user_id", "label", "college", "weight"), voters
    )
    bulk.insert(Participation, ("poll_id", "voter_id", "cast_by_id"), participations)
    bulk.insert(Ballot, ("id", "poll_id", "receipt", "choice", "weight", "voter_id"), ballots)


def _needs(net, rng) -> None:
    bulk, needs, supports = net.bulk, [], []
    for n, need_id in enumerate(bulk.next_ids(Need, net.sizes["needs"])):
        poster = rng.choice(net.members)
        needs.append(
            (
                need_id,
                poster,
                f"Besoin partagé bench {n}",
                "",
                rng.choices(("open", "retained", "dropped"), (80, 10, 10))[0],
                net.managers[poster][0],
                net.now,
                net.now,
            )
        )
        others = [o for o in rng.sample(net.members, min(len(net.members), 15)) if o != poster]
        for org in [poster, *others[: rng.randint(0, len(others))]]:
            supports.append((need_id, org, rng.randint(1, 5), rng.randint(1, 5)))
    bulk.insert(
        Need,
        ("id", "organization_id", "title", "description", "status", "created_by_id", "created_at", "updated_at"),
        needs,
    )
    bulk.insert(
        NeedSupport,
        ("id", "need_id", "organization_id", "importance", "urgency"),
        ((i, *row) for i, row in zip(bulk.next_ids(NeedSupport, len(supports)), supports)),
    )


def generate(net) -> None:
    rng = net.rng("governance")
    start = local(net.now).date() - timedelta(days=365 * net.sizes["years"] + 30)
    seats, labels = _bodies(net, rng, start)
    _meetings(net, rng, seats)
    _polls(net, rng, seats, labels)
    _needs(net, rng)


def _sealed_hash(poll_id: int, method: str, labels: list[str], ballots: list[dict], secret: bool) -> str:
    """The hash the app seals at the close: a secret poll publishes small weight classes pooled."""
    if not secret:
        return result_hash(poll_id, method, labels, ballots)
    shown, pooled = split_by_weight_class(ballots)
    pool = make_pool(method, len(labels), pooled)
    return result_hash(poll_id, method, labels, shown, pool_document(pool) if pool else None)
