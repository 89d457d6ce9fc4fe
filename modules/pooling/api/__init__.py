"""/api/v1/pooling: shared equipment (search by dates, availability, bookings) and group purchases."""

from flask_smorest import Blueprint

blp = Blueprint(
    "pooling_api",
    __name__,
    url_prefix="/api/v1/pooling",
    description="Shared equipment (search by dates, availability, bookings) and group purchases with network-wide "
    "price tiers",
)

from modules.pooling.api import equipment, purchases  # noqa: E402,F401 - routes register on blp
