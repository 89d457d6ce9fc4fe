"""Importing a report from a structure's own tooling: a CSV read in full, shown as a preview
with an error per line, and saved only when every line is right and the person confirms."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from core.errors import Conflict
from modules.observatory.models import Report
from modules.observatory.services import reports
from modules.observatory.services.catalog import active_indicators, active_rules, label_of
from modules.observatory.services.values import parse_number, rule_errors

MAX_BYTES = 200_000
MAX_LINES = 500
# French exports of spreadsheets name the columns in French: both are understood.
COLUMNS = {
    "indicator": "indicator",
    "indicateur": "indicator",
    "code": "indicator",
    "value": "value",
    "valeur": "value",
    "label": "label",
    "libellé": "label",
    "libelle": "label",
    "unit": "unit",
    "unité": "unit",
    "unite": "unit",
}


@dataclass
class Line:
    number: int
    code: str
    label: str = ""
    raw: str = ""
    value: Decimal | None = None
    error: str | None = None


@dataclass
class Preview:
    text: str = ""  # the file as read, kept in the page until the person confirms
    lines: list[Line] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    @property
    def figures(self) -> dict[str, Decimal | None]:
        return {line.code: line.value for line in self.lines}


def decode(data: bytes | str) -> str:
    """The file's text (UTF-8, else Windows' Western encoding); ValueError with the reason."""
    if len(data) > MAX_BYTES:  # also the text sent back with the confirmation
        raise ValueError(_("This file is too large (200 kB at most)."))
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(_("This file is not a text file."))


def read(data: bytes | str, current: dict[str, Decimal] | None = None) -> Preview:
    """Parse the whole file; ``current`` (the report's figures) completes it for the rule checks."""
    try:
        text = decode(data)
    except ValueError as exc:  # shown as the file's first error, as an empty file is
        return Preview(errors=[(1, str(exc))])
    first = text.splitlines()[0] if text.strip() else ""
    rows = csv.reader(io.StringIO(text), delimiter=";" if ";" in first else ",")
    preview = Preview(text)
    header = next(rows, None)
    if not header:
        preview.errors.append((1, _("The file is empty.")))
        return preview
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    for name in unknown:
        preview.errors.append((1, _("Unknown column “%(name)s” (expected: indicator, value).", name=name)))
    columns = {COLUMNS[h]: i for i, h in enumerate(names) if h in COLUMNS}
    if not {"indicator", "value"} <= set(columns):
        preview.errors.append((1, _("The columns “indicator” and “value” are required.")))
    if preview.errors:
        return preview
    by_code = {i.code: i for i in active_indicators()}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if number > MAX_LINES + 1:
            preview.errors.append((number, _("Too many lines (%(n)d at most).", n=MAX_LINES)))
            break
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(names) - len(row))
        code = cells[columns["indicator"]].strip()
        line = Line(number, code, raw=cells[columns["value"]].strip())
        indicator = by_code.get(code)
        if len(row) > len(names):
            line.error = _("This line has more cells than the header.")
        elif indicator is None:
            line.error = _("Unknown indicator “%(code)s”.", code=code)
        elif code in seen:
            line.error = _("Indicator already given on line %(n)d.", n=seen[code])
        else:
            line.label = label_of(indicator)
            seen[code] = number
            try:
                line.value = parse_number(line.raw, indicator)
            except ValueError as exc:
                line.error = str(exc)
        if line.error:
            preview.errors.append((number, line.error))
        preview.lines.append(line)
    if not preview.errors:
        broken = rule_errors({**(current or {}), **preview.figures}, active_rules())
        for code, message in broken.items():
            preview.errors.append((seen.get(code, 1), message))
    if not preview.lines and not preview.errors:
        preview.errors.append((2, _("The file has no figures.")))
    return preview


def import_figures(user, report_id: int, data: bytes | str, confirm: bool) -> tuple[Report, Preview]:
    """Preview the file; with ``confirm`` and no error, save its figures into the draft."""
    report = reports.get_report(user, report_id, "observatory.report")
    if report.status not in reports.EDITABLE:
        raise Conflict(_("This report was submitted; it can no longer be changed here."))
    current = reports.active_figures(report)
    preview = read(data, current)
    if confirm and preview.ok:
        reports.save_draft(user, report_id, {**current, **preview.figures})
    return report, preview
