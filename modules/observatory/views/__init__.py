"""The observatory's pages: reports, coordination, dashboards, the public page."""

from pathlib import Path

from flask import Blueprint

bp = Blueprint(
    "observatory",
    __name__,
    url_prefix="/observatory",
    template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
)

from modules.observatory.views import coordination, dashboards, public, reports  # noqa: E402,F401
