"""Domain events (blinker). Senders pass the record as sender; receivers must not commit.

Modules may subscribe to these; core and modules send them after the change is flushed, in the
same transaction, so a receiver that writes (an audit entry, an outbox job) commits with it.
"""

from blinker import Namespace

events = Namespace()

organization_created = events.signal("organization-created", doc="sender: Organization")
user_created = events.signal("user-created", doc="sender: User")
membership_changed = events.signal(
    "membership-changed", doc="sender: User; kwargs: organization_id, role, granted (bool)"
)
user_logged_in = events.signal("user-logged-in", doc="sender: User")
module_installed = events.signal("module-installed", doc="sender: module name (str)")
module_uninstalled = events.signal("module-uninstalled", doc="sender: module name; kwargs: dropped")
charge_posted = events.signal("charge-posted", doc="sender: core.ledger.Charge")
charges_released = events.signal(
    "charges-released", doc="sender: source string (e.g. 'training.session:4'); kwargs: count"
)
job_failed = events.signal("job-failed", doc="sender: core.jobs.Job; kwargs: final (bool)")
