"""The shared-needs board: post, join, rate, rank, vote on the top, turn into actions."""

from datetime import timedelta

import pytest

from core.clock import today
from core.db import utcnow
from core.errors import DomainError, NotFound
from core.extensions import db
from modules.governance.models import Action
from modules.governance.services import needs, voting
from tests.governance.conftest import close_now, seat_voter


def test_rank_by_convergence_then_importance_then_urgency(assembly):
    m, o = assembly.managers, assembly.orgs
    van = needs.post_need(m[0], o[0].id, "Van", "", 3, 3)
    baler = needs.post_need(m[1], o[1].id, "Baler", "", 5, 5)
    tools = needs.post_need(m[2], o[2].id, "Tools", "", 5, 1)
    needs.support_need(m[1], van.id, o[1].id, 2, 2)
    needs.support_need(m[1], van.id, o[1].id, 4, 4)  # changes its ratings, no second support
    db.session.commit()
    ranked = needs.ranked_needs()
    assert [(r.need.title, r.convergence) for r in ranked] == [("Van", 2), ("Baler", 1), ("Tools", 1)]
    assert ranked[0].importance == ranked[0].urgency == 3.5
    assert ranked[1].need.id == baler.id and ranked[2].need.id == tools.id


def test_bad_ratings_and_other_organizations(assembly):
    m, o = assembly.managers, assembly.orgs
    with pytest.raises(DomainError) as error:
        needs.post_need(m[0], o[0].id, "Van", "", 6, 3)
    assert error.value.field == "importance"
    with pytest.raises(NotFound):  # not a member of that organization
        needs.post_need(m[0], o[1].id, "Van", "", 3, 3)
    with pytest.raises(DomainError):
        needs.post_need(m[0], o[0].id, "  ", "", 3, 3)


def test_top_needs_to_a_poll_then_to_actions_tracked_to_done(assembly, admin):
    m, o = assembly.managers, assembly.orgs
    titles = ["Van", "Baler", "Tools", "Software"]
    created = [needs.post_need(m[i], o[i].id, t, "", 3, 3) for i, t in enumerate(titles)]
    needs.support_need(m[1], created[0].id, o[1].id, 5, 5)
    db.session.commit()
    now = utcnow()
    poll = needs.poll_top_needs(admin, assembly, 3, 2, now + timedelta(minutes=5), now + timedelta(days=3))
    assert poll.method == "approval" and poll.max_choices == 2 and [op.label for op in poll.options][0] == "Van"
    from modules.governance.services import polls

    polls.publish_poll(admin, poll.id)
    poll.opens_at = utcnow() - timedelta(seconds=1)
    polls.advance(poll.id)
    db.session.commit()
    with pytest.raises(DomainError, match="au plus 2"):
        voting.cast_ballot(m[0], poll.id, seat_voter(poll, assembly.seats[0]).id, [0, 1, 2])
    db.session.rollback()
    for seat, manager, choice in zip(assembly.seats, m, [[0, 1], [0, 2], [1], [0]]):
        voting.cast_ballot(manager, poll.id, seat_voter(poll, seat).id, choice)
    db.session.commit()
    close_now(poll)
    actions = needs.retain_from_poll(admin, poll.id, 2, m[0].id, today() + timedelta(days=30))
    db.session.commit()
    assert [a.title for a in actions] == ["Van", "Baler"]
    assert {n.title for n in (a.need for a in actions)} == {"Van", "Baler"}
    assert all(a.need.status == "retained" for a in actions)
    needs.set_action_status(m[0], actions[0].id, "done")
    db.session.commit()
    assert db.session.get(Action, actions[0].id).done_at is not None
    from core.accounts.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):  # neither its owner nor a manager
        needs.set_action_status(m[1], actions[1].id, "done")
