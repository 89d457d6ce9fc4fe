"""One way to export a table (as Indico's util/spreadsheets): every CSV of the app is written here,
in one dialect, with cells that a spreadsheet would run as a formula made inert.

Dialect: UTF-8 with a byte-order mark, ``;`` between cells, CRLF lines; decimals written with the
reader's decimal separator (a comma in French), so that French spreadsheets open the file as is.
A text cell beginning with ``= + - @``, a tab or a carriage return is prefixed with ``'``: typed by
one organization, it reaches another's spreadsheet as text, never as a live formula or link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from flask_babel import get_locale

from core.clock import local

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(value, comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | int | float):
        text = str(value)
        return text.replace(".", ",") if comma else text
    if isinstance(value, datetime):
        return local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    comma = str(get_locale()) == "fr"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([defuse(str(h)) for h in header])
    for row in rows:
        writer.writerow([cell(value, comma) for value in row])
    return "\ufeff" + out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """The table as a CSV download named ``filename``."""
    response = Response(csv_text(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
