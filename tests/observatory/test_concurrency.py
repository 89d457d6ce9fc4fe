"""Twenty real clients at once: one report per structure and period, one submission, one validation."""

from concurrent.futures import ThreadPoolExecutor

import requests

from core.extensions import db
from modules.observatory.models import Report, Revision
from modules.observatory.services import reports

CLIENTS = 20


def _hammer(method, url, headers, json=None):
    # The arguments are evaluated: end the test's transaction, which holds SQLite's write lock.
    db.session.commit()

    def call(_):
        return requests.request(method, url, headers=headers, json=json, timeout=60).status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(call, range(CLIENTS)))


def test_concurrent_opening_makes_a_single_report(obs, live_server, api_token):
    headers = api_token(obs.manager_a)
    statuses = _hammer(
        "POST",
        f"{live_server}/api/v1/observatory/reports",
        headers,
        {"organization_id": obs.org_a.id, "period_id": obs.q1.id},
    )
    assert statuses == [200] * CLIENTS
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1


def test_concurrent_submissions_and_validations_happen_once(obs, live_server, api_token):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "3"})
    db.session.commit()
    url = f"{live_server}/api/v1/observatory/reports/{report.id}"
    statuses = _hammer("POST", f"{url}/submit", api_token(obs.manager_a))
    assert sorted(statuses) == [200] + [409] * (CLIENTS - 1)
    statuses = _hammer("POST", f"{url}/validate", api_token(obs.coordinator))
    assert sorted(statuses) == [200] + [409] * (CLIENTS - 1)
    db.session.rollback()
    actions = db.session.scalars(db.select(Revision.action).where(Revision.report_id == report.id)).all()
    assert sorted(actions) == ["submit", "validate"]


def test_concurrent_corrections_are_serialized_and_all_kept_in_history(obs, live_server, api_token):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "3"})
    reports.submit(obs.manager_a, report.id)
    reports.validate(obs.coordinator, report.id)
    db.session.commit()
    headers = api_token(obs.coordinator)
    url = f"{live_server}/api/v1/observatory/reports/{report.id}/correct"
    db.session.commit()

    def correct(n):
        return requests.post(
            url, headers=headers, json={"figures": {"collected_furniture": str(10 + n)}, "reason": f"r{n}"}, timeout=60
        ).status_code

    with ThreadPoolExecutor(CLIENTS) as pool:
        assert list(pool.map(correct, range(CLIENTS))) == [200] * CLIENTS
    db.session.rollback()
    history = db.session.scalars(db.select(Revision).where(Revision.action == "correct").order_by(Revision.id)).all()
    assert len(history) == CLIENTS
    # each correction saw the one before it: the chain of old -> new values has no gap
    for before, after in zip(history, history[1:]):
        assert before.changed["collected_furniture"][1] == after.changed["collected_furniture"][0].rstrip("0").rstrip(
            "."
        )
