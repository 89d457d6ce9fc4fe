"""The security tests run on the demo network with every product module (not the example module)."""

from __future__ import annotations

import pytest

from core.accounts.models import User
from core.demo import PEOPLE, email, load_demo
from core.extensions import db
from tests.conftest import ROOT

PRODUCT_MODULES = ",".join(sorted(p.name for p in (ROOT / "modules").iterdir() if (p / "__manifest__.py").is_file()))


@pytest.fixture
def erp_modules():
    return PRODUCT_MODULES


@pytest.fixture
def demo(app):
    """The demo network loaded in the test's app; returns its users by e-mail local part."""
    load_demo()
    db.session.commit()
    users = db.session.scalars(db.select(User).where(User.email.like("%@ressourceries.example")))
    return {u.email.split("@")[0]: u for u in users}


@pytest.fixture
def demo_user_of_role():
    """The demo account holding each role (see core.demo.PEOPLE and the README)."""
    return {role: email(local) for local, _name, _org, role in PEOPLE}
