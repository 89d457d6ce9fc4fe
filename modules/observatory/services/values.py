"""Reading typed figures: French decimal commas, thousands separators, units' decimals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from core.errors import DomainError
from modules.observatory.models import Indicator, Rule
from modules.observatory.services.catalog import rule_message

SPACES = str.maketrans("", "", " \u00a0\u202f\t")
MAX_LENGTH = 30  # a figure is short; refusing long text early keeps Decimal from parsing megabytes
MAX_FIGURE = Decimal("100000000000")  # far beyond any structure's tonnage, within the value column


def parse_number(raw, indicator: Indicator) -> Decimal | None:
    """A figure typed by a person: '1 234,5' and '1234.5' are the same; empty means not reported."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        raise ValueError(_("“%(value)s” is not a number.", value=str(raw)[:30]))
    if isinstance(raw, (int, Decimal)):
        number = Decimal(raw)
    else:
        text = str(raw).translate(SPACES)
        if not text:
            return None
        if len(text) > MAX_LENGTH:
            raise ValueError(_("This figure is too large."))
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.", value=str(raw).strip())) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.", value=str(raw).strip()))
    if number < 0:
        raise ValueError(_("A figure cannot be negative."))
    # Before rounding: 1e28 has more digits than Decimal's context holds, and quantize would fail.
    if number >= MAX_FIGURE:
        raise ValueError(_("This figure is too large."))
    if number != number.quantize(Decimal(1).scaleb(-indicator.decimals)):
        if indicator.decimals == 0:
            raise ValueError(_("Give a whole number."))
        raise ValueError(_("At most %(n)d decimals.", n=indicator.decimals))
    return number


def parse_figures(raw: dict, indicators: list[Indicator]) -> dict[str, Decimal | None]:
    """Every indicator's figure, or a DomainError naming each bad one by its code (nothing is kept then)."""
    by_code = {i.code: i for i in indicators}
    errors, figures = {}, {}
    for code, value in raw.items():
        indicator = by_code.get(code)
        if indicator is None:
            errors[code] = _("Unknown indicator “%(code)s”.", code=code)
            continue
        try:
            figures[code] = parse_number(value, indicator)
        except ValueError as exc:
            errors[code] = str(exc)
    if errors:
        raise DomainError(_("Some figures are not valid; nothing was saved."), errors=errors)
    return figures


def rule_errors(figures: dict[str, Decimal | None], rules: list[Rule]) -> dict[str, str]:
    """Rules broken by a complete set of figures (missing figures count as zero)."""
    errors = {}
    for rule in rules:
        left = sum((figures.get(code) or Decimal(0) for code in rule.left), Decimal(0))
        right = sum((figures.get(code) or Decimal(0) for code in rule.right), Decimal(0))
        if left > right:
            # Shown beside the first figure of the left side that was given, where the eye is.
            given = [code for code in rule.left if figures.get(code) is not None] or rule.left
            errors[given[0]] = rule_message(rule)
    return errors
