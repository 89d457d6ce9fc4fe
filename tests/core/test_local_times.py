"""One rule for every time a person types (core.clock.wall_clock, core.api.AwareDateTime): a Paris
wall-clock time, refused in the spring gap and in the autumn hour lived twice, an offset taken as
is, a date past year 9999 in UTC refused; and the planning horizon."""

from datetime import UTC, date, datetime, timedelta

import marshmallow as ma
import pytest

from core.api import AwareDateTime
from core.clock import LocalTimeError, check_horizon, today, wall_clock
from core.errors import DomainError


def test_a_plain_paris_time_becomes_utc(app):
    assert wall_clock(datetime(2027, 1, 15, 9, 0)) == datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    assert wall_clock(datetime(2027, 7, 15, 9, 0)) == datetime(2027, 7, 15, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed, words",
    [(datetime(2027, 3, 28, 2, 30), "n’existe pas"), (datetime(2027, 10, 31, 2, 30), "existe deux fois")],
    ids=["spring-gap", "autumn-fold"],
)
def test_gap_and_ambiguous_times_are_refused_with_a_message(app, typed, words):
    with app.test_request_context(), pytest.raises(LocalTimeError, match=words):
        wall_clock(typed)


def test_the_api_field_applies_the_same_rule_and_takes_offsets_as_given(app):
    field = AwareDateTime()
    with app.test_request_context():
        assert field.deserialize("2027-10-31T02:30:00+01:00") == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
        assert field.deserialize("2027-01-15T09:00:00") == datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
        for hostile in ("2027-03-28T02:30:00", "2027-10-31T02:30:00", "9999-12-31T23:59:59-12:00"):
            with pytest.raises(ma.ValidationError):
                field.deserialize(hostile)


def test_the_planning_horizon(app):
    with app.test_request_context():
        check_horizon(today() + timedelta(days=300), 1)
        for far in (date(9999, 12, 31), today() + timedelta(days=800), date(1999, 12, 31)):
            with pytest.raises(DomainError) as refused:
                check_horizon(far, 2, "start")
            assert refused.value.field_errors == {"start": [refused.value.message]}


def test_decimal_fields_read_french_amounts(app):
    from flask_wtf import FlaskForm

    from core.web.forms import DecimalField

    class Amount(FlaskForm):
        amount = DecimalField()

    for typed, read in (("10,50", "10.50"), ("1\u202f234,5", "1234.5"), ("12.25", "12.25")):
        with app.test_request_context(method="POST", data={"amount": typed}):
            form = Amount()
            assert form.validate() and str(form.amount.data) == read
    with app.test_request_context(method="POST", data={"amount": "1e400"}):
        assert not Amount().validate()
