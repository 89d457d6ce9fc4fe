"""The governance pages: thin views over the services."""

from pathlib import Path

from flask import Blueprint

bp = Blueprint(
    "governance",
    __name__,
    url_prefix="/governance",
    template_folder=str(Path(__file__).resolve().parent.parent / "templates"),
)

from modules.governance.views import bodies, home, meetings, needs, polls  # noqa: E402,F401 - routes register on bp
