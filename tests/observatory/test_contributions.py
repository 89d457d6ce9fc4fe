"""The other modules' figures of the whole network: an hourly snapshot per year, shown with its time."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale
from freezegun import freeze_time

from core import jobs
from core.clock import today
from core.extensions import db
from core.hookspecs import Indicator
from core.plugins import collect
from exemplar.models import Note
from modules.observatory import jobs as observatory_jobs
from modules.observatory.models import ContributedIndicator, ContributedValue, ContributionSnapshot
from modules.observatory.services import contributions, figures

AS_OF = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # 17:00 in Paris


@pytest.fixture
def erp_modules():
    # governance: real translated labels, and indicators that may have no value at all
    return "observatory,exemplar,governance"


def _notes(org, count):
    db.session.add_all([Note(organization_id=org.id, text=f"note {n}") for n in range(count)])
    db.session.commit()


def _as_of(when=AS_OF):
    db.session.execute(db.update(ContributionSnapshot).values(computed_at=when))
    db.session.commit()


def _refresh(year):
    """As the hourly job does: refresh, then commit (core.jobs commits a job when it returns)."""
    contributions.refresh(year)
    db.session.commit()


def _shape(indicators):
    return [(i.code, str(i.label), i.unit, i.values) for i in indicators]


def _stored_years():
    return set(db.session.scalars(db.select(ContributionSnapshot.year)))


def _region_notes(year=2025):
    return next(r.current for r in figures.dashboard(year).contributed if r.code == "exemplar.notes")


def test_first_view_stores_the_snapshot_and_the_pages_say_when(obs, client, login_as, api_token):
    _notes(obs.org_a, 2)
    _notes(obs.org_b, 1)
    assert _stored_years() == set()
    login_as(obs.coordinator)  # French
    assert client.get("/observatory/region?year=2025").status_code == 200
    assert _stored_years() == {2024, 2025}
    _as_of()
    page = client.get("/observatory/region?year=2025").get_data(as_text=True)
    assert "Réunions du réseau suivies" in page and "Network meetings attended" not in page
    assert "Chiffres des autres modules au 3 décembre 2026 à 17:00." in page
    client.post("/language/en")
    page = client.get("/observatory/region?year=2025").get_data(as_text=True)
    assert "Network meetings attended" in page and "Réunions du réseau suivies" not in page
    assert "Figures of the other modules as of 3 December 2026, 17:00." in page
    api = client.get("/api/v1/observatory/figures/region?year=2025", headers=api_token(obs.coordinator)).get_json()
    assert api["contributed_as_of"] == "2026-12-03T16:00:00+00:00"
    assert {"code": "exemplar.notes", "label": "Notes", "unit": "count", "current": "3", "previous": "3"} in api[
        "contributed"
    ]


def test_public_page_reads_the_snapshot_in_both_languages(obs, client):
    _notes(obs.org_a, 1)
    _refresh(2024)
    _refresh(2025)
    _as_of()
    page = client.get("/observatory/public?year=2025").get_data(as_text=True)
    assert "Votes du réseau auxquels la structure a pris part" in page
    assert "Chiffres des autres modules au 3 décembre 2026 à 17:00." in page
    client.post("/language/en")
    page = client.get("/observatory/public?year=2025").get_data(as_text=True)
    assert "Network votes taken part in" in page
    assert "Figures of the other modules as of 3 December 2026, 17:00." in page
    assert (
        client.get("/api/v1/observatory/figures/public?year=2025").get_json()["contributed_as_of"]
        == "2026-12-03T16:00:00+00:00"
    )


def test_labels_are_stored_in_english_whatever_the_language_of_the_refresh(obs):
    with force_locale("fr"):
        _refresh(2025)
    labels = dict(db.session.execute(db.select(ContributedIndicator.code, ContributedIndicator.label)).all())
    assert labels["governance.meetings_attended"] == "Network meetings attended"
    with force_locale("fr"):
        shown = {i.code: str(i.label) for i in contributions.snapshot(2025).indicators}
    assert shown["governance.meetings_attended"] == "Réunions du réseau suivies"


def test_a_later_change_reaches_the_region_only_after_a_refresh(obs, client, login_as):
    _notes(obs.org_a, 2)
    assert _region_notes() == Decimal(2)
    _notes(obs.org_a, 3)
    assert _region_notes() == Decimal(2)
    own = figures.dashboard(2025, {obs.org_a.id}).contributed
    assert next(r.current for r in own if r.code == "exemplar.notes") == Decimal(5)  # a structure's: live
    assert figures.dashboard(2025, {obs.org_a.id}).contributed_as_of is None
    login_as(obs.coordinator)
    assert "exemplar.notes;Notes;count;2;2" in client.get("/observatory/export/modules.csv?year=2025").get_data(
        as_text=True
    )
    _refresh(2025)
    assert _region_notes() == Decimal(5)
    assert "exemplar.notes;Notes;count;5;2" in client.get("/observatory/export/modules.csv?year=2025").get_data(
        as_text=True
    )


def test_pdf_summary_reads_the_snapshot(obs, client, login_as, monkeypatch):
    _refresh(2024)
    _refresh(2025)
    monkeypatch.setattr(figures, "contributed", lambda *args: pytest.fail("the region asked the modules live"))
    login_as(obs.coordinator)
    pdf = client.get("/observatory/region/summary-2025.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/observatory/public?year=2025").status_code == 200


def test_the_hourly_job_refreshes_the_years_the_dashboards_show(obs):
    assert ("observatory.refresh_contributions", observatory_jobs.refresh_contributions, 60) in [
        (j.name, j.func, j.every_minutes) for j in collect("erp_scheduled_jobs")
    ]
    _refresh(2025)
    _as_of()
    _notes(obs.org_b, 4)
    with freeze_time("2027-01-10 10:00:00"):
        jobs.tick()
        jobs.dispatch()
        assert today().year == 2027
    january = datetime(2027, 1, 10, 10, 0, tzinfo=UTC)
    assert _stored_years() == {2025, 2026, 2027}
    assert db.session.get(ContributionSnapshot, 2026).computed_at == january
    # In January the dashboard opens on 2026, compared with 2025: that year is refreshed too.
    assert db.session.get(ContributionSnapshot, 2025).computed_at == january
    assert _region_notes(2026) == Decimal(4)
    with freeze_time("2027-06-10 10:00:00"):
        jobs.tick()
        jobs.dispatch()
    db.session.expire_all()
    assert db.session.get(ContributionSnapshot, 2026).computed_at == datetime(2027, 6, 10, 10, 0, tzinfo=UTC)
    assert db.session.get(ContributionSnapshot, 2025).computed_at == january  # no longer shown by default


def test_refresh_stores_what_every_module_gives_on_the_demo(make_app):
    from core.demo import load_demo

    app = make_app("observatory,pooling,training,incubation,governance")
    with app.app_context(), force_locale("en"):
        load_demo()
        db.session.commit()
        for year in (today().year, today().year - 1):
            live = figures.contributed(year)
            _refresh(year)
            assert _shape(contributions.snapshot(year).indicators) == _shape(live)
            given = {(i.code, org): str(v) for i in live for org, v in i.values.items()}
            kept = {
                (i.code, org): str(v) for i in contributions.snapshot(year).indicators for org, v in i.values.items()
            }
            assert kept == given  # as given, to the decimal places (28.00 hours, 2 days)
        assert any(i.values for i in contributions.snapshot(today().year).indicators)
        db.session.rollback()


def _given(org_ids, tag):
    return [
        Indicator(f"test.{tag}", f"Figure {tag}", "count", {org: Decimal(n + 1) for n, org in enumerate(org_ids)}),
        Indicator(f"test.{tag}_empty", f"Empty {tag}", "count", {}),
    ]


@pytest.mark.parametrize("year_exists", [False, True], ids=["new year", "existing year"])
def test_concurrent_refreshes_leave_one_whole_snapshot(obs, app, monkeypatch, year_exists):
    """Each thread's modules give other figures; both compute, then write at the same moment."""
    if year_exists:
        _refresh(2025)
    orgs = [obs.org_a.id, obs.org_b.id]
    answers = {"one": _given(orgs, "one"), "two": _given(orgs[:1], "two")}
    both_computed = threading.Barrier(2)

    def asked(year):
        both_computed.wait(timeout=30)  # no statement run yet: nothing is locked while waiting
        return answers[threading.current_thread().name.rsplit("_", 1)[0]]

    monkeypatch.setattr(contributions, "_asked", asked)
    db.session.commit()

    def refresh(_):
        with app.app_context():
            _refresh(2025)

    # each thread's name tells which figures its modules give
    with ThreadPoolExecutor(1, thread_name_prefix="one") as one, ThreadPoolExecutor(1, thread_name_prefix="two") as two:
        results = [one.submit(refresh, None), two.submit(refresh, None)]
        for result in results:
            result.result(timeout=60)
    db.session.rollback()
    stored = contributions.snapshot(2025).indicators
    assert _shape(stored) in (_shape(answers["one"]), _shape(answers["two"]))
    rows = db.session.scalar(
        db.select(db.func.count(ContributedValue.id))
        .join(ContributedIndicator, ContributedIndicator.id == ContributedValue.indicator_id)
        .where(ContributedIndicator.year == 2025)
    )
    assert rows == sum(len(i.values) for i in stored)
    assert db.session.scalar(db.select(db.func.count()).select_from(ContributionSnapshot)) == 1


def test_indicators_without_any_value_are_kept_in_the_hooks_order(obs):
    snapshot = contributions.snapshot(2025)
    assert [i.code for i in snapshot.indicators] == [i.code for i in figures.contributed(2025)]
    assert {"exemplar.notes", "governance.meetings_attended", "governance.votes_cast"} <= {
        i.code for i in snapshot.indicators if not i.values
    }
