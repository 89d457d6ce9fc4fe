"""CSV import: a preview with an error per line, nothing saved until every line is right."""

from decimal import Decimal

from core.extensions import db
from modules.observatory.models import ReportValue
from modules.observatory.services import csvimport, reports


def _draft(obs):
    report = reports.open_report(obs.manager_a, obs.org_a.id, obs.q1.id)
    db.session.commit()
    return report


def test_good_file_with_french_commas_is_previewed_then_saved_on_confirmation(obs):
    report = _draft(obs)
    data = "indicateur;valeur;unité\ncollected_furniture;12,5;t\nreused_sold;1 000,25;t\n\nvisits;420;\n"
    data = data.replace("1 000,25", "10,25")
    _report, preview = csvimport.import_figures(obs.manager_a, report.id, data.encode("cp1252"), confirm=False)
    assert preview.ok and preview.figures == {
        "collected_furniture": Decimal("12.5"),
        "reused_sold": Decimal("10.25"),
        "visits": Decimal(420),
    }
    assert db.session.scalar(db.select(db.func.count(ReportValue.id))) == 0
    csvimport.import_figures(obs.manager_a, report.id, data, confirm=True)
    db.session.commit()
    assert reports.figures_of(report)["reused_sold"] == Decimal("10.250")


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_saved(obs):
    report = _draft(obs)
    data = (
        "indicator,value\n"
        "collected_furniture,-3\n"
        "collected_books,abc\n"
        "mystery,4\n"
        "collected_toys,2\n"
        "collected_toys,3\n"
        "visits,1.5\n"
    )
    _report, preview = csvimport.import_figures(obs.manager_a, report.id, data, confirm=True)
    db.session.commit()
    lines = dict(preview.errors)
    assert set(lines) == {2, 3, 4, 6, 7}
    assert "negative" in lines[2] and "not a number" in lines[3] and "mystery" in lines[4]
    assert "line 5" in lines[6] and "whole number" in lines[7]
    assert reports.figures_of(report) == {}


def test_unknown_columns_and_missing_columns_are_header_errors(obs):
    report = _draft(obs)
    _r, preview = csvimport.import_figures(obs.manager_a, report.id, "indicator;value;colour\nvisits;3;red\n", True)
    assert preview.errors and preview.errors[0][0] == 1 and "colour" in preview.errors[0][1]
    _r, preview = csvimport.import_figures(obs.manager_a, report.id, "code;amount\nvisits;3\n", True)
    assert any("required" in message for _line, message in preview.errors)
    _r, preview = csvimport.import_figures(obs.manager_a, report.id, b"", True)
    assert not preview.ok
    db.session.commit()
    assert reports.figures_of(report) == {}


def test_inconsistent_totals_are_refused_with_the_file_merged_into_the_draft(obs):
    report = _draft(obs)
    reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "4"})
    db.session.commit()
    _r, preview = csvimport.import_figures(obs.manager_a, report.id, "indicator;value\nrecycled;5\n", True)
    assert preview.errors == [(2, preview.errors[0][1])] and "cannot exceed" in preview.errors[0][1]
    db.session.commit()
    assert reports.figures_of(report) == {"collected_furniture": Decimal("4.000")}


def test_export_of_a_report_imports_back(obs, client, login_as):
    report = _draft(obs)
    reports.save_draft(obs.manager_a, report.id, {"collected_furniture": "4,125", "visits": "12"})
    login_as(obs.manager_a)
    exported = client.get(f"/observatory/reports/{report.id}/export.csv").get_data(as_text=True)
    preview = csvimport.read(exported.encode("utf-8"))
    assert preview.ok
    assert preview.figures["collected_furniture"] == Decimal("4.125")
