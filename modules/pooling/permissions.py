"""Labels of the permissions declared in the manifest (shown on the admin pages)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    "pooling.view": _l("See the shared equipment and its availability"),
    "pooling.book": _l("Book shared equipment for one's organization"),
    "pooling.manage": _l("Manage the equipment one's organization owns"),
    "pooling.approve": _l("Approve bookings of one's organization's equipment"),
    "pooling.purchase.pledge": _l("Pledge quantities to group purchases"),
    "pooling.purchase.manage": _l("Run group purchase campaigns"),
}
