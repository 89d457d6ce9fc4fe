"""An id in a path past the database's range matches no rule: a 404 for every method, never a 405
(werkzeug checks the method before a converter's range) nor a 500 (an overflowing query)."""

import pytest
from flask import Blueprint

from core.db import MAX_ID


@pytest.fixture
def probe(app):
    bp = Blueprint("id_probe", __name__)
    bp.add_url_rule("/probe/<int:item_id>", "show", lambda item_id: str(item_id), methods=["GET"])
    bp.add_url_rule("/probe/<int:item_id>", "change", lambda item_id: "changed", methods=["POST"])
    app.register_blueprint(bp)
    return app.test_client()


@pytest.mark.parametrize("item_id", [str(MAX_ID + 1), "9" * 30, "0", "007"])
def test_out_of_range_ids_are_not_found_for_every_method(probe, item_id):
    assert probe.get(f"/probe/{item_id}").status_code == 404
    assert probe.post(f"/probe/{item_id}").status_code == 404


@pytest.mark.parametrize("item_id", [1, 42, 999_999_999, 1_999_999_999, MAX_ID])
def test_ids_in_range_reach_their_view(probe, item_id):
    assert probe.get(f"/probe/{item_id}").get_data(as_text=True) == str(item_id)
    assert probe.post(f"/probe/{item_id}").get_data(as_text=True) == "changed"
