"""Localized mail over a real SMTP server, and the ledger's settlement."""

import functools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import jobs, ledger, mail
from core.calendar import to_ics
from core.db import utcnow
from core.extensions import db
from core.hookspecs import CalendarEvent
from core.money import allocate


def test_localized_mail_with_ics_reaches_a_real_smtp_server(app, smtp_server, make_user):
    french = make_user(None, locale="fr", name="Léa")
    english = make_user(None, locale="en", name="Tom")
    start = utcnow()
    ics = to_ics([CalendarEvent("t-1", "Formation", start, start, "training")], "x").decode()
    for person in (french, english):
        mail.send("mail/password_reset.txt", person, ics=ics, token="tok", max_age_minutes=60)
    db.session.commit()
    jobs.dispatch()
    subjects = {m["To"]: (m["Subject"], m) for m in smtp_server.messages}
    assert subjects[french.email][0] == "Réinitialisez votre mot de passe"
    assert subjects[english.email][0] == "Reset your password"
    assert subjects[french.email][1]["Content-Language"] == "fr"
    assert subjects[english.email][1]["Content-Language"] == "en"
    message = subjects[french.email][1]
    body = message.get_body(("plain",)).get_content()
    assert "Bonjour Léa," in body and "http://127.0.0.1:5000/password/reset/tok" in body
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and "BEGIN:VEVENT" in attachment.get_content()
    assert all(m.sent_at for m in db.session.scalars(db.select(mail.OutgoingMail)))


def test_failed_delivery_is_retried_by_the_job_system(app, make_user):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"  # nobody listens
    mail.send("mail/password_reset.txt", make_user(None), token="t", max_age_minutes=5)
    db.session.commit()
    jobs.dispatch()
    job = db.session.scalar(db.select(jobs.Job))
    assert job.status == "pending" and job.attempts == 1 and "Connection" in job.last_error


def test_charges_balances_and_release(app, make_org):
    a, b, c = make_org(), make_org(), make_org()
    ledger.post_charge(a.id, b.id, Decimal("10.005"), "van", "pooling.booking:1")
    ledger.post_charge(c.id, b.id, Decimal("5"), "fee", "training.session:1")
    ledger.post_charge(a.id, a.id, Decimal("3"), "self", "x:1")  # nothing: one cannot owe oneself
    db.session.commit()
    assert ledger.balances() == {a.id: Decimal("-10.01"), b.id: Decimal("15.01"), c.id: Decimal("-5.00")}
    assert ledger.release("training.session:1") == 1
    db.session.commit()
    assert ledger.balances() == {a.id: Decimal("-10.01"), b.id: Decimal("10.01")}
    with pytest.raises(ValueError):
        ledger.post_charge(a.id, b.id, Decimal("-1"), "no", "x:2")


def test_settlement_csv_page_for_admins(app, client, make_org, make_user, login_as):
    a, b = make_org("Alpha"), make_org("Beta")
    ledger.post_charge(a.id, b.id, Decimal("12.50"), "van", "pooling.booking:1")
    db.session.commit()
    login_as(make_user("member_manager"))
    assert client.get("/admin/ledger").status_code == 403
    client.post("/logout")
    login_as(make_user("network_admin"))
    assert "Alpha verse 12,50" in client.get("/admin/ledger").get_data(as_text=True)
    csv = client.get("/admin/ledger?format=csv").get_data(as_text=True)
    assert csv.splitlines() == ["debtor,creditor,amount_eur", "Alpha,Beta,12.50"]


cents = st.integers(min_value=-50_000, max_value=50_000).map(lambda n: Decimal(n) / 100)


@settings(max_examples=150, deadline=None)
@given(st.lists(cents, min_size=1, max_size=9))
def test_settlement_nets_every_balance_to_zero_and_is_minimal(amounts):
    balances = {i: a for i, a in enumerate(amounts)}
    balances[len(amounts)] = -sum(amounts)  # a closed system sums to zero
    balances = {k: v for k, v in balances.items() if v != 0}
    transfers = ledger.settle(balances)
    net = dict(balances)
    for t in transfers:
        assert t.amount > 0
        net[t.debtor_id] += t.amount
        net[t.creditor_id] -= t.amount
    assert all(v == 0 for v in net.values())
    assert len(transfers) == len(balances) - _max_zero_sum_groups(list(balances.values()))


def _max_zero_sum_groups(values: list[Decimal]) -> int:
    """Brute force: the largest number of disjoint zero-sum groups covering every balance."""

    n = len(values)

    @functools.cache
    def best(mask: int) -> int:
        if mask == 0:
            return 0
        first = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << first)
        result = -1
        sub = rest
        while True:
            group = sub | (1 << first)
            if sum(values[i] for i in range(n) if group >> i & 1) == 0:
                inner = best(mask & ~group)
                if inner >= 0:
                    result = max(result, inner + 1)
            if sub == 0:
                break
            sub = (sub - 1) & rest
        return result

    return max(best((1 << n) - 1), 0)


def test_simple_settlements_are_minimal():
    assert len(ledger.settle({1: Decimal(-10), 2: Decimal(10), 3: Decimal(-5), 4: Decimal(5)})) == 2
    assert len(ledger.settle({1: Decimal(-10), 2: Decimal(5), 3: Decimal(5)})) == 2


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10_000_000).map(lambda n: Decimal(n) / 100),
    st.lists(st.integers(0, 1000), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_allocate_sums_exactly_and_stays_within_a_cent(total, weights):
    parts = allocate(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights):
        exact = total * weight / sum(weights)
        assert abs(part - exact) < Decimal("0.01")
