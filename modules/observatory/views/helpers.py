"""Small helpers shared by the observatory's views: year choice, forms, figures display."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial

from flask import flash, request
from flask_babel import get_locale

from modules.observatory.services import figures
from modules.observatory.services.catalog import YEARS


def chosen_year() -> int:
    """The year asked for; the dashboards' default one when it is absent, malformed or out of range
    (a link typed by hand shows a page rather than an error)."""
    year = request.args.get("year", type=int)
    return year if year in YEARS else figures.default_year()


def posted(form, marker: str) -> bool:
    """Several forms share a page: ``form`` is the one posted when its ``marker`` field came in."""
    return request.method == "POST" and marker in request.form and form.validate()


def form_status() -> int:
    """The status of a page with forms: after a POST it is shown again only because of a refusal."""
    return 422 if request.method == "POST" else 200


def counted(url: str, message: Callable[[int], str]) -> Callable[[int], str]:
    """The ``then`` of ``act``/``submit`` for an action returning a count: the success message
    needs that count, known only once the action has run."""

    def then(count: int) -> str:
        flash(message(count), "success")
        return url

    return then


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
