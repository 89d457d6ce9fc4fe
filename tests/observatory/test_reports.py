"""A report's life: draft, rules on figures, submit, validate or return, correct with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts.permissions import PermissionDenied
from core.audit import AuditEntry
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.mail import OutgoingMail
from modules.observatory.models import ReportValue
from modules.observatory.services import catalog, figures, reports
from modules.observatory.services.values import parse_number
from tests.observatory.conftest import fill


def test_draft_accepts_french_decimal_commas_and_keeps_exact_decimals(obs):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    reports.save_draft(
        obs.manager_a,
        report.id,
        {"collected_furniture": "1 234,567", "reused_sold": "0,1", "visits": "350", "sales": ""},
    )
    db.session.commit()
    assert reports.figures_of(report) == {
        "collected_furniture": Decimal("1234.567"),
        "reused_sold": Decimal("0.1"),
        "visits": Decimal(350),
    }
    assert report.status == "draft"


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"collected_books": "-2"}, "negative"),
        ({"collected_books": "douze"}, "not a number"),
        ({"collected_books": "1,2345"}, "decimals"),
        ({"visits": "12,5"}, "whole number"),
        ({"collected_books": "NaN"}, "not a number"),
        ({"nonsense": "1"}, "Unknown indicator"),
    ],
)
def test_bad_figures_are_refused_per_field_and_nothing_is_written(obs, raw, message):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    db.session.commit()
    with pytest.raises(DomainError) as error:
        reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "3", **raw})
    db.session.rollback()
    assert error.value.field_errors == {next(iter(raw)): [error.value.field_errors[next(iter(raw))][0]]}
    assert message in error.value.field_errors[next(iter(raw))][0]
    assert db.session.scalar(db.select(db.func.count(ReportValue.id))) == 0


def test_outcomes_cannot_exceed_collected_tonnages(obs):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    with pytest.raises(DomainError) as error:
        reports.save_draft(
            obs.manager_a,
            report.id,
            {
                "collected_furniture": "10",
                "collected_books": "2",
                "reused_sold": "8",
                "recycled": "3",
                "discarded": "1.5",
            },
        )
    assert "cannot exceed" in error.value.field_errors["reused_sold"][0]
    reports.save_draft(
        obs.manager_a,
        report.id,
        {"collected_furniture": "10", "collected_books": "2", "reused_sold": "8", "recycled": "3", "discarded": "1"},
    )


def test_the_database_refuses_a_negative_figure_even_past_the_service(obs):
    from sqlalchemy.exc import IntegrityError

    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    indicator = catalog.active_indicators()[0]
    db.session.add(ReportValue(report_id=report.id, indicator_id=indicator.id, value=Decimal("-1")))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_report_per_structure_and_period(obs):
    first = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    again = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    assert first.id == again.id


def test_no_report_before_the_period_starts_nor_submission_before_it_ends(obs):
    with freeze_time("2025-05-15"):
        with pytest.raises(DomainError, match="not started"):
            reports.open_report(obs.manager_a, obs.org_a.id, catalog.create_period("quarter", 2025, 3).id)
        report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q2.id)
        reports.save_draft(obs.manager_a, report.id, {"collected_toys": "1"})
        with pytest.raises(DomainError, match="once its period is over"):
            reports.submit(obs.manager_a, report.id)


def test_submit_validate_and_history(obs):
    report = fill(obs.manager_a, obs.org_a, obs.q1, collected_furniture="5")
    assert report.status == "submitted" and report.submitted_at is not None
    with pytest.raises(Conflict):
        reports.submit(obs.manager_a, report.id)
    with pytest.raises(Conflict):
        reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "6"})
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        reports.validate(obs.manager_a, report.id)
    reports.validate(obs.coordinator, report.id)
    db.session.commit()
    assert [r.action for r in reports.history(report)] == ["submit", "validate"]


def test_return_needs_a_comment_mails_the_managers_and_reopens_the_report(obs):
    report = fill(obs.manager_a, obs.org_a, obs.q1, collected_furniture="5")
    with pytest.raises(DomainError):
        reports.return_report(obs.coordinator, report.id, "  ")
    reports.return_report(obs.coordinator, report.id, "Textiles et livres inversés ?")
    db.session.commit()
    assert report.status == "returned"
    sent = db.session.scalars(db.select(OutgoingMail)).all()
    assert [m.to_address for m in sent] == [obs.manager_a.email]
    assert "Textiles et livres inversés ?" in sent[0].body
    reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "6"})
    reports.submit(obs.manager_a, report.id)
    db.session.commit()
    assert report.status == "submitted" and report.return_comment is None


def test_correcting_a_validated_report_needs_a_reason_changes_the_aggregate_and_leaves_a_trail(obs):
    report = fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_furniture="5", reused_sold="2")
    fill(obs.manager_b, obs.org_b, obs.q1, obs.coordinator, collected_furniture="7.25", reused_sold="1")
    assert figures.add_up(figures.per_structure(2025))["collected_furniture"] == Decimal("12.250")
    with pytest.raises(DomainError, match="reason"):
        reports.correct(obs.coordinator, report.id, {"collected_furniture": "6"}, "")
    with pytest.raises(PermissionDenied):
        reports.correct(obs.manager_a, report.id, {"collected_furniture": "6"}, "typo")
    db.session.rollback()
    reports.correct(obs.coordinator, report.id, {"collected_furniture": "6,5"}, "Pesée corrigée")
    db.session.commit()
    assert figures.add_up(figures.per_structure(2025))["collected_furniture"] == Decimal("13.750")
    revision = reports.history(report)[-1]
    assert (revision.action, revision.reason) == ("correct", "Pesée corrigée")
    assert revision.changed == {"collected_furniture": ["5.000", "6.5"]}
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "observatory.report.correct"))
    assert entry.details["reason"] == "Pesée corrigée" and entry.user_id == obs.coordinator.id


def test_a_member_reaches_only_its_own_reports(obs):
    report_b = fill(obs.manager_b, obs.org_b, obs.q1, collected_books="1")
    with pytest.raises(NotFound):
        reports.get_report(obs.manager_a, report_b.id)
    with pytest.raises(NotFound):
        reports.save_draft(obs.manager_a, report_b.id, {"collected_books": "2"})
    with pytest.raises(NotFound):
        reports.open_report(obs.manager_a, obs.org_b.id, obs.q2.id)
    with pytest.raises(PermissionDenied):
        reports.open_report(obs.staff_a, obs.org_a.id, obs.q2.id)
    visible = db.session.scalars(reports.visible_reports(obs.manager_a)).all()
    assert visible == []
    assert db.session.scalars(reports.visible_reports(obs.coordinator)).all() == [report_b]


def test_periods_never_overlap_and_are_well_formed(obs):
    with pytest.raises(Conflict):
        catalog.create_period("month", 2025, 2)
    with pytest.raises(DomainError):
        catalog.create_period("quarter", 2025, 5)
    with pytest.raises(DomainError):
        catalog.create_period("quarter", 2025, 3, date(2025, 9, 1))
    assert [p.number for p in catalog.create_year("quarter", 2025)] == [3, 4]
    assert catalog.create_year("quarter", 2025) == []


def test_seeding_is_idempotent_and_custom_indicators_are_checked(obs):
    assert catalog.seed_standard_indicators() == 0
    with pytest.raises(Conflict):
        catalog.create_indicator("visits", "visits", "Visites", "count", 0)
    with pytest.raises(DomainError):
        catalog.create_indicator("bad code!", "visits", "x", "count", 0)
    custom = catalog.create_indicator("repair_workshops", "awareness", "Ateliers de réparation", "count", 0)
    assert custom in catalog.active_indicators()


@pytest.mark.parametrize("raw", [True, [1], {"a": 1}, "1" * 40, "1,2,3", "1.2.3", "Infinity"])
def test_odd_values_from_the_api_are_refused(obs, raw):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    with pytest.raises(DomainError) as error:
        reports.save_draft(obs.manager_a, report.id, {"visits": raw})
    assert list(error.value.field_errors) == ["visits"]
    db.session.rollback()


def test_a_deactivated_indicator_keeps_its_figures_and_does_not_block_corrections(obs):
    report = fill(obs.manager_a, obs.org_a, obs.q1, obs.coordinator, collected_furniture="5", people_reached="40")
    people = next(i for i in catalog.active_indicators() if i.code == "people_reached")
    catalog.set_indicator_active(people.id, False)
    reports.correct(obs.coordinator, report.id, {"collected_furniture": "6"}, "Pesée")
    db.session.commit()
    assert reports.figures_of(report)["people_reached"] == Decimal(40)
    assert figures.per_structure(2025)[obs.org_a.id]["collected_furniture"] == Decimal(6)


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_a_figure_written_the_french_way_reads_back_exactly(value):
    indicator = catalog.Indicator(code="x", decimals=3)
    french = f"{value:,f}".replace(",", "\u202f").replace(".", ",")
    assert parse_number(french, indicator) == value
    assert parse_number(str(value), indicator) == value
