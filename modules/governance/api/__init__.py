"""/api/v1/governance: bodies, meetings, polls and ballots, proxies, results, needs and actions."""

from flask_smorest import Blueprint

blp = Blueprint(
    "governance_api",
    __name__,
    url_prefix="/api/v1/governance",
    description="Governance: bodies, meetings, polls with quorum and proxies, shared needs",
)

from modules.governance.api import needs, polls  # noqa: E402,F401 - routes register on blp
