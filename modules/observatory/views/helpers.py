"""Small helpers shared by the observatory's views: year choice, CSV tables, figures display."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from functools import partial

from flask import Response, request
from flask_babel import get_locale

from core.clock import today
from modules.observatory.services import figures


def chosen_year() -> int:
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        return figures.default_year()
    return year if 2000 <= year <= 2100 else today().year


def number(value, decimals: int | None = None) -> str:
    """Decimals as typed in the user's language (comma in French); exact, no float, no grouping."""
    if value is None:
        return ""
    if decimals is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",") if str(get_locale()) == "fr" else text


def figure(value, decimals: int | None = None, french: bool | None = None) -> str:
    """A figure for people: rounded to its indicator's decimals, thousands grouped, in the reader's
    language (``french``: already known, else looked up)."""
    if value is None:
        return ""
    if decimals is not None:
        value = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    text = f"{value:,f}" if isinstance(value, Decimal) else f"{value:,}"
    if str(get_locale()) == "fr" if french is None else french:
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def reader_figure():
    """``figure`` with the reader's language looked up once: a page of a national network has
    thousands of figures, and each lookup goes through Flask-Babel's context."""
    return partial(figure, french=str(get_locale()) == "fr")


def csv_response(filename: str, header: list[str], rows: list[list]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([number(cell) if isinstance(cell, Decimal) else ("" if cell is None else cell) for cell in row])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
