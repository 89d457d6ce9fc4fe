"""Imports every core table so that the metadata (and Alembic) sees them all."""

from core.accounts.models import Membership, Organization, User  # noqa: F401
from core.accounts.throttle import AuthAttempt  # noqa: F401
from core.api.tokens import ApiToken  # noqa: F401
from core.audit import AuditEntry  # noqa: F401
from core.faults import ModuleFault  # noqa: F401
from core.jobs import Job  # noqa: F401
from core.ledger import Charge  # noqa: F401
from core.mail import OutgoingMail  # noqa: F401
from core.modules import InstalledModule  # noqa: F401
