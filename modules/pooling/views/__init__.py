"""Pages of the pooling module: one blueprint, routes split by topic."""

from flask import Blueprint

bp = Blueprint("pooling", __name__, url_prefix="/pooling", template_folder="../templates")

from modules.pooling.views import bookings, equipment, purchases  # noqa: E402,F401 - routes register on bp
