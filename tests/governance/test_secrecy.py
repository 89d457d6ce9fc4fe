"""Secret ballots cannot be linked to voters: not by ids, not by storage order, not by logs."""

import logging

from sqlalchemy import inspect

from core.audit import AuditEntry
from core.extensions import db
from modules.governance.models import Ballot, Participation
from modules.governance.services import voting
from modules.governance.services.results import find_receipt, poll_result
from tests.governance.conftest import close_now, seat_voter


def test_the_ballot_table_has_no_voter_column_in_use_and_no_timestamp(app):
    columns = {c["name"] for c in inspect(db.engine).get_columns("governance_ballot")}
    assert columns == {"id", "poll_id", "receipt", "choice", "weight", "voter_id"}
    register = {c["name"] for c in inspect(db.engine).get_columns("governance_participation")}
    assert register == {"poll_id", "voter_id", "cast_by_id"}  # who voted, never what


def test_secret_ballots_are_unlinkable(assembly, make_poll, caplog):
    poll = make_poll(assembly, "single", ["A", "B", "C"])
    caplog.set_level(logging.DEBUG)
    order, receipts = [], []
    for seat, manager, choice in zip(assembly.seats, assembly.managers, [0, 1, 2, 1]):
        voter = seat_voter(poll, seat)
        receipts.append(voting.cast_ballot(manager, poll.id, voter.id, choice))
        order.append(voter.id)
        db.session.commit()
    ballots = db.session.scalars(db.select(Ballot).where(Ballot.poll_id == poll.id)).all()
    assert all(b.voter_id is None for b in ballots)
    # keys are random UUIDs: sorting by them (the storage order of a WITHOUT ROWID table) says nothing of arrival
    assert all(len(b.id) == 36 for b in ballots) and len({b.id for b in ballots}) == 4
    if db.engine.dialect.name == "sqlite":
        stored = [
            r[0]
            for r in db.session.execute(
                db.text("SELECT receipt FROM governance_ballot WHERE poll_id = :p"), {"p": poll.id}
            )
        ]
        assert stored == sorted(stored, key=lambda r: next(b.id for b in ballots if b.receipt == r))
    # the register knows who voted, in no way what: no choice, no receipt, no time
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 4
    # neither the application log nor the audit trail carries a choice or a receipt
    logged = caplog.text + " ".join(e.detail for e in db.session.scalars(db.select(AuditEntry)))
    assert not any(code in logged for code in receipts)
    assert '"choice"' not in logged
    close_now(poll)
    # after the close, even the physical order follows the receipts, not the arrival
    stored = [
        r[0]
        for r in db.session.execute(db.text("SELECT receipt FROM governance_ballot WHERE poll_id = :p"), {"p": poll.id})
    ]
    assert sorted(stored) == sorted(receipts)
    result = poll_result(poll)
    assert [b["voter"] for b in result.ballots] == [None] * 4
    assert all(find_receipt(poll, code) for code in receipts) and not find_receipt(poll, "NOPE-NOPE")
