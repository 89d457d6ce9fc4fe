"""The core's route sweeps, run on the incubation module alone with the demo data: every GET for
anonymous visitors and each role, unknown ids, empty POSTs (the core runs them with every module)."""

import os

import pytest

from core.demo import load_demo
from core.extensions import db
from tests.core import test_route_sweep as sweep


@pytest.fixture
def demo_app(make_app, erp_modules):
    if os.environ.get("TEST_ERP_MODULES") == "all":
        pytest.skip("with every module, tests/core/test_route_sweep.py runs these sweeps itself")
    app = make_app(erp_modules)
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


def test_get_sweep_for_anonymous_and_every_role(demo_app):
    sweep.test_get_sweep_for_anonymous_and_every_role(demo_app)


def test_unknown_ids_are_404_for_the_network_admin(demo_app):
    sweep.test_unknown_ids_are_404_for_the_network_admin(demo_app)


def test_post_sweep_with_empty_input_never_fails(demo_app):
    sweep.test_post_sweep_with_empty_input_never_fails(demo_app)
