"""Dates typed in the calendar's query string at the edges of the calendar: never a 500."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.calendar import FIRST_DAY, period_for, within_range
from core.clock import today

EDGES = [
    "month=9999-12",
    "month=0001-01",
    "on=0001-01-01",
    "on=9999-12-31",
    "on=9999-12-31&view=week",
    "on=0001-01-01&view=week",
    "month=9999-12&view=list",
    "on=1999-12-31&view=list",
    "on=2026-02-30",
    "month=2026-13",
    "on=" + "9" * 400,
]


@pytest.mark.parametrize("query", EDGES)
def test_calendar_page_answers_for_any_date(client, make_user, login_as, query):
    login_as(make_user("member_staff"))
    assert client.get(f"/calendar?{query}").status_code == 200


def test_a_date_out_of_range_shows_the_nearest_bound(client, make_user, login_as):
    login_as(make_user("member_staff"))
    page = client.get("/calendar?on=0001-01-01&view=week").get_data(as_text=True)
    assert "on=1999-12-20" in page and "on=2000-01-03" in page  # the week of 2000-01-01, and its arrows
    assert client.get("/calendar?on=%00").status_code == 400  # NUL is refused everywhere, as before


@pytest.mark.parametrize("view", ["month", "week", "list"])
@pytest.mark.parametrize("day", [date.min, date.max, date(1999, 12, 31)])
def test_periods_stay_within_range(view, day):
    period = period_for(view, day)
    assert FIRST_DAY - timedelta(days=45) <= period.previous <= period.next
    assert period.next <= today() + timedelta(days=366 * 51)


def test_within_range_keeps_ordinary_days():
    assert within_range(date(2026, 5, 17)) == date(2026, 5, 17)
    assert within_range(date.min) == FIRST_DAY
