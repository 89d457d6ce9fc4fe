"""The public page: regional figures only, and the own figures of structures that agreed."""

from __future__ import annotations

from flask import render_template

from modules.observatory.services.catalog import UNITS
from modules.observatory.services.contributions import as_of_sentence
from modules.observatory.services.figures import MIN_GROUP, public_figures
from modules.observatory.views import bp
from modules.observatory.views.helpers import chosen_year, reader_figure


@bp.route("/public")
def public():
    year = chosen_year()
    return render_template(
        "observatory/public.html",
        data=public_figures(year),
        year=year,
        units=UNITS,
        figure=reader_figure(),
        min_group=MIN_GROUP,
        as_of_sentence=as_of_sentence,
    )
