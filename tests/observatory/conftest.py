from datetime import date
from types import SimpleNamespace

import pytest

from core.extensions import db


@pytest.fixture
def erp_modules():
    return "observatory"


@pytest.fixture(autouse=True)
def english_messages(app):
    """Services called by the tests speak English; pages follow each user's language (French)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def obs(app, make_org, make_user):
    """Standard indicators, two past quarters, two member structures with their people, a coordinator."""
    from modules.observatory.services import catalog

    catalog.seed_standard_indicators()
    q1 = catalog.create_period("quarter", 2025, 1, date(2025, 4, 30))
    q2 = catalog.create_period("quarter", 2025, 2, date(2025, 7, 31))
    db.session.commit()
    org_a, org_b = make_org("Ressourcerie A"), make_org("Ressourcerie B")
    return SimpleNamespace(
        q1=q1,
        q2=q2,
        org_a=org_a,
        org_b=org_b,
        coordinator=make_user("network_admin"),
        manager_a=make_user("member_manager", org_a),
        staff_a=make_user("member_staff", org_a),
        manager_b=make_user("member_manager", org_b),
        board=make_user("board_member", make_org(kind="network")),
    )


def fill(user, org, period, validate_by=None, **figures):
    """A report with these figures, submitted, and validated when ``validate_by`` is given."""
    from modules.observatory.services import reports

    report = reports.open_report(user, org.id, period.id)
    reports.save_draft(user, report.id, figures)
    reports.submit(user, report.id)
    if validate_by is not None:
        reports.validate(validate_by, report.id)
    db.session.commit()
    return report
