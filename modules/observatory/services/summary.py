"""The yearly PDF summary for funders: regional figures, year-on-year, other modules' figures."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from core.pdf import Document
from modules.observatory.services.catalog import UNITS
from modules.observatory.services.contributions import as_of_sentence
from modules.observatory.services.figures import dashboard


def _text(value: Decimal | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def yearly_summary(year: int) -> bytes:
    board = dashboard(year)
    pdf = Document(_("Activity of the ressourceries network in %(year)d", year=year))
    pdf.paragraph(
        _(
            "%(n)d structures have a validated report for %(year)d. Figures are the sums of the "
            "validated reports; staff figures are yearly averages.",
            n=len(board.structures),
            year=year,
        )
    )
    pdf.paragraph(
        _(
            "Reuse rate: %(rate)s (%(year)d: %(previous)s).",
            rate=_text(board.reuse_rate, " %"),
            year=year - 1,
            previous=_text(board.previous_reuse_rate, " %"),
        )
    )
    for theme, rows in board.themes():
        pdf.heading(str(theme))
        pdf.table_rows(
            [_("Indicator"), _("Unit"), str(year), str(year - 1), _("Change")],
            [
                [r.label, str(UNITS.get(r.unit, r.unit)), _text(r.current), _text(r.previous), _text(r.change, " %")]
                for r in rows
            ],
            widths=[70, 30, 30, 30, 20],
        )
    if board.contributed:
        pdf.heading(_("Network activities"))
        pdf.table_rows(
            [_("Indicator"), _("Unit"), str(year), str(year - 1)],
            [[r.label, r.unit, _text(r.current), _text(r.previous)] for r in board.contributed],
            widths=[90, 30, 30, 30],
        )
        pdf.paragraph(as_of_sentence(board.contributed_as_of))
    return pdf.render()
