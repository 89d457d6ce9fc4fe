"""A module's failure stays its own: a hook that raises, runs bad SQL, renders nothing or is slow
leaves that module's part out of the shared pages, which answer 200; the fault is logged with the
module's name and the request id and listed on Administration -> Modules; a job that keeps failing
does not stop the other modules' jobs."""

from datetime import timedelta

import pytest

from core import jobs
from core.db import utcnow
from core.extensions import db
from core.faults import ModuleFault
from core.plugins import collect
from exemplar.models import Note
from tests.conftest import ROOT, _all_module_paths

BROKEN = str(ROOT / "tests" / "broken_modules")
MODULES = "exemplar,pooling,faulty,sluggish,failing_job"


@pytest.fixture
def app(make_app):
    app = make_app(MODULES, ERP_MODULE_PATHS=[*_all_module_paths(), BROKEN], ERP_HOOK_SLOW_MS=100)
    with app.app_context():
        yield app
        db.session.rollback()


def faults() -> dict[tuple[str, str, str], ModuleFault]:
    db.session.expire_all()
    return {(f.module, f.hook, f.kind): f for f in db.session.scalars(db.select(ModuleFault))}


def test_shared_pages_answer_without_the_failing_module(client, make_user, login_as, caplog):
    staff = make_user("member_staff")
    db.session.add(Note(organization_id=staff.memberships[0].organization_id, text="Réunion van", due_at=utcnow()))
    login_as(staff)
    for path in ("/", "/dashboard", "/calendar", "/calendar?view=list", "/pooling/bookings", "/profile"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert "Faulty card" not in page
        assert "Notes" in page  # the healthy module's menu entry is still there
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "exemplar widget" in dashboard and "sluggish widget" in dashboard
    assert "Réunion van" in client.get("/calendar?view=list").get_data(as_text=True)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Notes" in missing.get_data(as_text=True)  # the error page has its menu

    recorded = faults()
    for hook in ("erp_menu_items", "widget", "erp_calendar_events"):
        fault = recorded[("faulty", hook, "error")]
        assert fault.count >= 1 and fault.request_id
    assert "widget cannot render" in recorded[("faulty", "widget", "error")].detail
    assert "faulty_no_such_table" in recorded[("faulty", "erp_calendar_events", "error")].detail
    assert recorded[("sluggish", "erp_dashboard_widgets", "slow")].count >= 1
    assert not any(module == "exemplar" for module, _hook, _kind in recorded)
    logged = [r for r in caplog.records if r.name == "erp.faults" and r.levelname == "ERROR"]
    assert logged and all("faulty" in r.getMessage() for r in logged)
    assert any(fault.request_id in r.getMessage() for r in logged for fault in recorded.values() if fault.request_id)


def test_admin_sees_the_faults_on_the_modules_page_and_clears_them(client, make_user, login_as):
    login_as(make_user("network_admin"))
    client.get("/dashboard")
    page = client.get("/admin/modules").get_data(as_text=True)
    assert "menu is broken" in page and "widget cannot render" in page and "erp_menu_items" in page
    assert client.post("/admin/modules/faulty/faults/clear").status_code == 302
    assert not any(module == "faulty" for module, _hook, _kind in faults())


def test_api_and_other_callers_are_contained_too(client, make_user, api_token):
    staff = make_user("member_staff")
    db.session.add(Note(organization_id=staff.memberships[0].organization_id, text="n"))
    db.session.commit()
    figures = collect("erp_observatory_indicators", start=utcnow().date(), end=utcnow().date(), organization_ids=None)
    assert "exemplar.notes" in [i.code for i in figures]  # faulty raised; the others answered
    assert client.get("/api/v1/me", headers=api_token(staff)).status_code == 200


def test_a_failing_job_does_not_stop_the_other_modules_jobs(app, make_org):
    note = Note(organization_id=make_org().id, text="ticked")
    db.session.add(note)
    db.session.commit()
    now = utcnow()
    for minute in range(3):
        jobs.tick(now + timedelta(minutes=minute))
        jobs.dispatch()
    db.session.refresh(note)
    assert note.ticks == 3  # the exemplar's job ran every minute
    failed = db.session.scalars(db.select(jobs.Job).where(jobs.Job.func.like("failing_job.%"))).all()
    assert failed and all(job.last_error and "always fails" in job.last_error for job in failed)
    assert ("faulty", "erp_scheduled_jobs", "error") in faults()  # its job list could not even be read
